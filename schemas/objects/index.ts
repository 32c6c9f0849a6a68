export {blockContentType, LINKABLE_TYPES} from './blockContentType'
export {linkType} from './linkType'
export {seoType} from './seoType'
