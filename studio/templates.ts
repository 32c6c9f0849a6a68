import type {Template, TemplateItem} from 'sanity'

/** A new case example that starts linked to the profession it was created under. */
export const CASE_EXAMPLE_FOR_PROFESSION = 'caseExample-for-profession'

interface CaseExampleForProfessionParams {
  professionId: string
}

export const caseExampleForProfessionTemplate: Template<CaseExampleForProfessionParams> = {
  id: CASE_EXAMPLE_FOR_PROFESSION,
  title: 'Case example for this profession',
  schemaType: 'caseExample',
  parameters: [{name: 'professionId', title: 'Profession id', type: 'string'}],
  value: ({professionId}: CaseExampleForProfessionParams) => ({
    profession: {_type: 'reference', _ref: professionId},
  }),
}

/** Sanity's templates (one per type, with the schema's initial values) plus ours. */
export function templates(previous: Template[]): Template[] {
  return [...previous, caseExampleForProfessionTemplate]
}

/**
 * What the global "Create" menu offers: every type's own template, never one that needs a
 * parameter it cannot give (the profession of a new case example comes from the list it is
 * created in).
 */
export function globalNewDocumentOptions(previous: TemplateItem[], creationContextType: string): TemplateItem[] {
  if (creationContextType !== 'global') return previous
  return previous.filter((item) => item.templateId !== CASE_EXAMPLE_FOR_PROFESSION)
}
