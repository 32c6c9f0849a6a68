/** The project id the local server answers to; hosted projects use their own. */
export const LOCAL_PROJECT_ID = 'local'
/** The dataset the seed content is imported into. */
export const LOCAL_DATASET = 'production'
