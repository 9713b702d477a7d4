/**
 * Renders model output as Markdown. Model output is untrusted: there is no
 * rehype-raw, so raw HTML stays text (react-markdown turns raw nodes into
 * text), URLs go through react-markdown's safe transform (no javascript:),
 * and links open in a new tab without an opener or referrer. Single newlines
 * are kept as line breaks: models write poems and addresses line by line.
 */
import { memo, type ComponentPropsWithoutRef } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkBreaks from "remark-breaks";
import remarkGfm from "remark-gfm";
import rehypeHighlight from "rehype-highlight";

const components: Components = {
  a: ({ node: _node, href, children, ...rest }: ComponentPropsWithoutRef<"a"> & { node?: unknown }) =>
    // An unsafe URL (javascript:, data:, ...) comes out of urlTransform empty: keep the text, drop the link.
    href ? (
      <a {...rest} href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
        {children}
      </a>
    ) : (
      <span className="dead-link">{children}</span>
    ),
  img: ({ node: _node, src, alt, ...rest }: ComponentPropsWithoutRef<"img"> & { node?: unknown }) => (
    <img {...rest} src={src} alt={alt ?? ""} loading="lazy" referrerPolicy="no-referrer" />
  ),
  table: ({ node: _node, children, ...rest }: ComponentPropsWithoutRef<"table"> & { node?: unknown }) => (
    <div className="md-table-wrap">
      <table {...rest}>{children}</table>
    </div>
  ),
};

const rehypePlugins = [[rehypeHighlight, { detect: false }]] as NonNullable<Parameters<typeof ReactMarkdown>[0]["rehypePlugins"]>;
// remark-breaks: a single newline is a line break, as in chat UIs (a poem keeps its lines).
const remarkPlugins = [remarkGfm, remarkBreaks];

function MarkdownImpl({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}

export const Markdown = memo(MarkdownImpl);
