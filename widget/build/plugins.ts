/**
 * Vite plugins of the widget build (vite.config.ts, `widgetConfig`). The chat app is shipped to
 * every visitor of a host site and has a size budget (scripts/build-web.ts prints it); these take
 * out what the JavaScript minifier cannot: about 0.4 KB of template whitespace and 0.8 KB of a
 * transport the widget never uses (brotli).
 *
 * `minifyTemplatesPlugin` squeezes the whitespace out of Lit's `html` and `css` templates, which
 * the minifier leaves as they are written (indented, one rule a line).
 *
 * Only the literal parts of templates tagged `html` or `css` change, never the `${…}` inside:
 * - css: comments go, runs of whitespace become one space, and none is left around `{ } ; , >`
 *   or after a `:` (a space before `:` is kept, since `a :hover` differs from `a:hover`);
 * - html: a run of whitespace that holds a line break becomes one space, as the browser would
 *   render it anyway. The widget has no `<pre>` and no pre-formatted text inside a template.
 */
import ts from 'typescript';
import type { Plugin } from 'vite';

export function squeezeCss(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}');
}

export function squeezeHtml(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/** Where the text of each literal part of a template starts and ends, inside its delimiters. */
function literalParts(template: ts.TemplateLiteral, source: ts.SourceFile): Array<[number, number]> {
  if (ts.isNoSubstitutionTemplateLiteral(template)) return [[template.getStart(source) + 1, template.end - 1]];
  const parts: Array<[number, number]> = [[template.head.getStart(source) + 1, template.head.end - 2]];
  for (const span of template.templateSpans) {
    const tail = ts.isTemplateTail(span.literal);
    parts.push([span.literal.getStart(source) + 1, span.literal.end - (tail ? 1 : 2)]);
  }
  return parts;
}

export function minifyTemplates(code: string, fileName: string): string {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && (node.tag.text === 'html' || node.tag.text === 'css')) {
      const squeeze = node.tag.text === 'css' ? squeezeCss : squeezeHtml;
      for (const [from, to] of literalParts(node.template, source)) {
        const text = code.slice(from, to);
        const squeezed = squeeze(text);
        if (squeezed !== text) edits.push({ from, to, text: squeezed });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let out = code;
  for (const edit of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, edit.from) + edit.text + out.slice(edit.to);
  return out;
}

export function minifyTemplatesPlugin(): Plugin {
  return {
    name: 'chat-hybrid:minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.ts$/.test(id) || !/\b(?:html|css)`/.test(code)) return null;
      return { code: minifyTemplates(code, id), map: null };
    },
  };
}

/**
 * Leaves engine.io's WebTransport transport out of the widget: the widget connects with `websocket`
 * and `polling` only, and engine.io never starts or upgrades to a transport its `transports` option
 * does not list, so that code (and the stream codec it pulls in) can never run. Should the package
 * move the file, nothing matches and the build simply includes it again.
 */
export function dropWebTransportPlugin(): Plugin {
  const stub = '\0chat-hybrid:no-webtransport';
  return {
    name: 'chat-hybrid:no-webtransport',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './webtransport.js' && importer && /[\\/]engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/.test(importer)) return stub;
      return null;
    },
    load(id) {
      return id === stub ? 'export class WT {}' : null;
    },
  };
}
