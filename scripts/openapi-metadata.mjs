#!/usr/bin/env node
// `npm run openapi:metadata`: writes src/metadata.ts, what the @nestjs/swagger compiler plugin reads from
// the DTOs' and controllers' types and doc comments (property types, optionality, class-validator
// constraints, descriptions), as a TypeScript file that src/openapi.ts loads before it builds the
// document. The plugin is not part of the build: every build (tsc in CI, tests and the container;
// SWC in `npm start`, which cannot run TypeScript plugins) gets the same metadata from this file.
//
// `--check` (run by `npm run lint`) generates into a temporary folder and fails if the committed file
// differs: a DTO or controller changed without regenerating.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator.js';
import { ReadonlyVisitor } from '@nestjs/swagger/plugin';
import * as prettier from 'prettier';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const source = join(root, 'src');
const target = join(source, 'metadata.ts');
const check = process.argv.includes('--check');

/** The plugin's options, as nest-cli.json gave them to the compiler plugin. */
const pluginOptions = { classValidatorShim: true, introspectComments: true, controllerKeyOfComment: 'description' };

const MODEL_FILES = ['.dto.ts', '.entity.ts'];
const CONTROLLER_FILES = ['.controller.ts'];

/**
 * What the compiler plugin would compile in but the metadata file cannot carry (or src/openapi-plugin.ts
 * cannot apply): a class the file cannot import (not exported); a handler's `@param` or `@throws`
 * comment, an optional `@Query('name')` argument or a `@Param('name')` of a literal union type, which the
 * plugin turns into parameters and responses that its metadata leaves out. Say it with decorators instead.
 */
function unsupported(program) {
  const checker = program.getTypeChecker();
  const problems = [];
  const decoratorName = (d) => {
    const e = ts.isCallExpression(d.expression) ? d.expression.expression : d.expression;
    return ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
  };
  const namedArg = (parameter, name) => {
    const d = (ts.getDecorators(parameter) ?? []).find((x) => decoratorName(x) === name);
    const arg = d && ts.isCallExpression(d.expression) ? d.expression.arguments[0] : undefined;
    return arg && ts.isStringLiteral(arg) ? arg.text : undefined;
  };
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || !file.fileName.startsWith(`${source}/`)) continue;
    const model = MODEL_FILES.some((suffix) => file.fileName.endsWith(suffix));
    const controller = CONTROLLER_FILES.some((suffix) => file.fileName.endsWith(suffix));
    if (!model && !controller) continue;
    const where = (node) => {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart());
      return `${file.fileName.slice(root.length + 1)}:${line + 1}`;
    };
    for (const statement of file.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      if (!ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))
        problems.push(`${where(statement)}: class ${statement.name?.text} is not exported (src/metadata.ts imports it)`);
      if (!controller) continue;
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || !ts.getDecorators(member)) continue;
        for (const tag of ts.getJSDocTags(member))
          if (['param', 'throws'].includes(tag.tagName.text))
            problems.push(`${where(tag)}: @${tag.tagName.text} on a handler (use @ApiParam, @ApiQuery or @ApiResponse)`);
        // the names the handler's @ApiQuery/@ApiParam declare: the plugin leaves those arguments alone
        const declared = (decorator) =>
          new Set(
            ts
              .getDecorators(member)
              .filter((d) => decoratorName(d) === decorator && ts.isCallExpression(d.expression))
              .flatMap((d) => d.expression.arguments.filter(ts.isObjectLiteralExpression))
              .flatMap((o) => o.properties.filter((p) => ts.isPropertyAssignment(p) && p.name.getText() === 'name'))
              .map((p) => (ts.isStringLiteral(p.initializer) ? p.initializer.text : '')),
          );
        for (const parameter of member.parameters) {
          const optional = parameter.questionToken || parameter.initializer;
          const query = namedArg(parameter, 'Query');
          if (query !== undefined && optional && !declared('ApiQuery').has(query))
            problems.push(`${where(parameter)}: optional @Query('${query}') argument (declare it with @ApiQuery)`);
          const param = namedArg(parameter, 'Param');
          const type = param !== undefined && !declared('ApiParam').has(param) ? checker.getTypeAtLocation(parameter) : undefined;
          if (type?.isUnion() && type.types.every((t) => t.isLiteral()))
            problems.push(`${where(parameter)}: @Param('…') of a literal union type (declare it with @ApiParam)`);
        }
      }
    }
  }
  return problems;
}

/** The generated file's text, formatted as the repository's Prettier settings ask. */
async function generate() {
  const program = ReadonlyVisitor.createTsProgram(join(root, 'tsconfig.build.json'));
  const problems = unsupported(program);
  if (problems.length) {
    console.error(`the Swagger plugin's metadata file cannot carry these:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exit(1);
  }
  const outputDir = mkdtempSync(join(tmpdir(), 'medisync-metadata-'));
  try {
    new PluginMetadataGenerator().generate({
      visitors: [
        new ReadonlyVisitor({
          ...pluginOptions,
          dtoFileNameSuffix: MODEL_FILES,
          controllerFileNameSuffix: CONTROLLER_FILES,
          pathToSource: source,
        }),
      ],
      outputDir,
      tsProgramRef: program,
    });
    // eslint.config.mjs ignores the file (generated; this script checks it): no eslint-disable needed
    const text = readFileSync(join(outputDir, 'metadata.ts'), 'utf8').replace(/^\/\* eslint-disable \*\/\n/, '');
    const header =
      '// Generated by `npm run openapi:metadata` (scripts/openapi-metadata.mjs) from the DTOs and controllers: do not edit.\n';
    return await prettier.format(header + text, { ...(await prettier.resolveConfig(target)), filepath: target });
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}

const text = await generate();
if (check) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    /* missing: stale */
  }
  if (committed !== text) {
    console.error('src/metadata.ts is stale (a DTO or controller changed): run `npm run openapi:metadata` and commit it');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`written ${target}`);
}
