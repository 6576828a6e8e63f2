import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A resource of the generated CloudFormation template. */
export interface TemplateResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties: Record<string, unknown>;
}

export interface Template {
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, unknown>;
}

/** The template `serverless package --stage ci` wrote (template-global-setup.ts). */
export function packagedTemplate(): Template {
  const dir = process.env.CARTWHEEL_PACKAGE_DIR;
  if (!dir) throw new Error('no packaged template: run the `template` jest project (its globalSetup packages)');
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

/** The resources of one type, by logical id. */
export const resourcesOf = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
