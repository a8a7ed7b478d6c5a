// The answers of the mapping canvas's admin API calls (MappingApi.java; openapi.json describes them).

export interface SourceFieldView {
  path: string;
  type: string;
  sample?: string;
}

export interface TargetFieldView {
  name: string;
  label: string;
  type: string;
  length: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  defaultedOnCreate: boolean;
  required: boolean;
  picklistValues: string[];
}

/** Per record of the mapping (text order), the source paths each field's expression reads (JSONata syntax tree). */
export interface RecordReadsView {
  entity: string;
  /** its position among the entity's records, as mappingText.ts records() counts them */
  index: number;
  /** the path the record is made in (SalesItems), "" for the root, null when unknown */
  context: string | null;
  /** per field, the source paths from the record's root, dot-joined without [] */
  fields: Record<string, string[]>;
}

export interface MappingView {
  flow: string;
  version: string;
  file: string;
  shipped: boolean;
  writable: boolean;
  source: string;
  text: string;
  example?: Record<string, unknown>;
  objects: string[];
  object: string | null;
  sourceFields: SourceFieldView[];
  targetFields: TargetFieldView[];
  targetError?: string;
  reads?: RecordReadsView[];
}

export interface StepResult {
  step: string;
  request: string;
  outcome: string;
  detail: string;
}

export interface PlannedRecord {
  ref: string;
  entity: string;
  keyField: string;
  key: string;
  fields: Record<string, unknown>;
}

export interface PreviewView {
  flow: string;
  version: string;
  outcome: { result: 'write' | 'skipped' | 'retry' | 'dead-letter'; code?: string; message: string };
  steps: StepResult[];
  validation: StepResult[];
  output: PlannedRecord[];
  plan: { target: string; root?: string; objects: { ref: string; entity: string; operation: string; fields: number }[]; calls: string[] };
  record: Record<string, unknown>;
  sourceFields: SourceFieldView[];
  /** the reads of the previewed text */
  reads?: RecordReadsView[];
}

export interface SuggestionView {
  target: string;
  score: number;
  expression: string;
  reasons: string[];
  fromEarlierAccept: boolean;
}

export interface SuggestionsView {
  flow: string;
  sourceSystem: string;
  object: string;
  items: { source: string; suggestions: SuggestionView[] }[];
  excludedTargets: string[];
}

export interface SaveView {
  flow: string;
  file: string;
  previousVersion: string;
  version: string;
}
