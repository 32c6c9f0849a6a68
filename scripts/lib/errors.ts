// The CLI's error classes live with the content sources that throw them (sources/errors.ts).
export {CliError, UsageError} from '../../sources/errors'
