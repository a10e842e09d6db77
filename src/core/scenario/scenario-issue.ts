/** A problem validation found in a scenario: where (the field path), what, and the value found. */
export interface ScenarioIssue {
  readonly path: (string | number)[];
  readonly message: string;
  readonly input: unknown;
}
