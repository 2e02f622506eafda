import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { type MarkdownPage, parseMarkdown, withoutInlineCode } from "./markdown.js";

/**
 * GitHub's heading anchor: lower case, punctuation dropped (letters, digits, `-`, `_` and spaces
 * kept), each space a `-`; a repeated heading gets `-1`, `-2`... in page order.
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, "$1")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");
}

/** Every anchor a page offers: its headings' slugs (duplicates numbered) and explicit `<a id/name>`. */
export function anchorsOf(page: MarkdownPage): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of page.prose) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (heading) {
      const slug = githubSlug(heading[1]!);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const explicit of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(explicit[1]!);
  }
  return anchors;
}

/** Every relative link target of a page, with its line (links inside code are not links). */
export function relativeLinks(page: MarkdownPage): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { line, text } of page.prose) {
    const prose = withoutInlineCode(text);
    const targets = [
      ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
      ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/g)].map((m) => m[1]!),
      ...[...prose.matchAll(/<a\s[^>]*href="([^"]+)"/g)].map((m) => m[1]!),
    ];
    for (const target of targets) if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ line, target });
  }
  return links;
}

/**
 * Checks every relative link and `#anchor` of the pages.
 *
 * @param root - the repository root (links may not leave it).
 * @returns one `file:line: problem` per broken link.
 */
export function checkLinks(root: string, pages: readonly MarkdownPage[]): string[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsFor = (file: string): Set<string> => {
    let anchors = anchorCache.get(file);
    if (!anchors) {
      anchors = anchorsOf(pages.find((page) => page.file === file) ?? parseMarkdown(file, undefined));
      anchorCache.set(file, anchors);
    }
    return anchors;
  };
  const failures: string[] = [];
  for (const page of pages) {
    for (const { line, target } of relativeLinks(page)) {
      const [path = "", anchor] = target.split("#", 2) as [string, string | undefined];
      const file = path === "" ? page.file : normalize(join(dirname(page.file), decodeURI(path)));
      const where = `${page.file}:${line}`;
      if (relative(root, join(root, file)).startsWith("..")) {
        failures.push(`${where}: link ${target} leaves the repository`);
        continue;
      }
      if (path !== "" && !existsSync(join(root, file))) {
        failures.push(`${where}: link ${target}: ${file} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (!file.endsWith(".md") || (path !== "" && statSync(join(root, file)).isDirectory())) {
        if (!/^L\d+(-L\d+)?$/.test(anchor)) failures.push(`${where}: link ${target}: #${anchor} on a file that is not a Markdown page`);
        continue;
      }
      if (!anchorsFor(file).has(decodeURIComponent(anchor))) failures.push(`${where}: link ${target}: ${file} has no heading with the anchor #${anchor}`);
    }
  }
  return failures;
}
