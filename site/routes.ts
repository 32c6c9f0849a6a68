/** The export's route table: the site serves each document at the address the export gives it. */
export {ROUTES, routeFor, type RoutedType} from '../scripts/lib/export/routes'
