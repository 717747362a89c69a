/** Templates use {{name}} placeholders; names are letters, digits, '_' and '.', whitespace allowed inside the braces. */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

export type TemplateVariables = Record<string, string | number | boolean>;

export interface Template {
  subject?: string | null;
  body: string;
}

export function placeholders(template: Template): Set<string> {
  const names = new Set<string>();
  for (const text of [template.subject ?? '', template.body]) {
    for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]!);
  }
  return names;
}

export interface VariableProblems {
  missing: string[];
  unknown: string[];
}

/**
 * Missing: needed by a template the message may be sent with. Unknown: used by none of the scene's
 * templates (usually a typo in the caller's variable name).
 */
export function checkVariables(
  usable: Template[],
  all: Template[],
  variables: TemplateVariables,
): VariableProblems {
  const needed = new Set<string>();
  for (const template of usable) for (const name of placeholders(template)) needed.add(name);
  const known = new Set<string>(needed);
  for (const template of all) for (const name of placeholders(template)) known.add(name);
  const given = Object.keys(variables);
  return {
    missing: [...needed].filter((name) => !(name in variables)).sort(),
    unknown: given.filter((name) => !known.has(name)).sort(),
  };
}

export function renderText(text: string, variables: TemplateVariables): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`template variable "${name}" is missing`);
    return String(value);
  });
}

export interface RenderedContent {
  subject?: string;
  body: string;
}

export function render(template: Template, variables: TemplateVariables): RenderedContent {
  const body = renderText(template.body, variables);
  return template.subject ? { subject: renderText(template.subject, variables), body } : { body };
}
