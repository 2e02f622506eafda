import { readFileSync } from "node:fs";

/** A fenced code block of a Markdown page. */
export interface CodeBlock {
  /** Page path, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** First word of the info string (`ts`, `json`, `text`...), "" when there is none. */
  readonly lang: string;
  /** Further words of the info string: `fragment`, `output`. */
  readonly tags: readonly string[];
  /** The block's text, its fence's indentation removed. */
  readonly body: string;
  /** `<!-- doc-test: ... -->` directives written on the lines right above the fence (text after "doc-test:"). */
  readonly directives: readonly string[];
}

/** A line of a page outside code blocks. */
export interface ProseLine {
  readonly line: number;
  readonly text: string;
}

export interface MarkdownPage {
  readonly file: string;
  readonly blocks: readonly CodeBlock[];
  /** Lines outside fences (headings, tables and prose), with their numbers. */
  readonly prose: readonly ProseLine[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;
const DIRECTIVE = /^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$/;

/**
 * Splits a Markdown page into fenced code blocks and prose lines (CommonMark fences: ``` or ~~~,
 * possibly indented, closed by a fence of the same character at least as long).
 *
 * @param file - path relative to the repository root (used in messages).
 * @param text - the page; read from `file` when left out.
 */
export function parseMarkdown(file: string, text: string = readFileSync(file, "utf8")): MarkdownPage {
  const lines = text.split("\n");
  const blocks: CodeBlock[] = [];
  const prose: ProseLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) {
      prose.push({ line: i + 1, text: lines[i]! });
      continue;
    }
    const [, indent = "", fence = "", info = ""] = open;
    const [lang = "", ...tags] = info.trim().split(/\s+/).filter(Boolean);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    blocks.push({ file, line: i + 1, lang: lang.toLowerCase(), tags, body: body.join("\n"), directives: directivesAbove(lines, i) });
    i = j;
  }
  return { file, blocks, prose };
}

function directivesAbove(lines: readonly string[], fenceIndex: number): string[] {
  const found: string[] = [];
  for (let k = fenceIndex - 1; k >= 0; k--) {
    const line = lines[k]!;
    if (line.trim() === "") continue;
    const directive = DIRECTIVE.exec(line);
    if (!directive) break;
    found.unshift(directive[1]!);
  }
  return found;
}

/** Inline code spans of a prose line (`like this`). */
export function inlineCode(text: string): string[] {
  return [...text.matchAll(/(`+)([^`]+?)\1/g)].map((match) => match[2]!.trim());
}

/** A prose line with its inline code spans removed (links and plain words are what is left). */
export function withoutInlineCode(text: string): string {
  return text.replace(/(`+)[^`]+?\1/g, "");
}
