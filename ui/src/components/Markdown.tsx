/**
 * Renders model output as Markdown. Model output is untrusted: there is no
 * rehype-raw, so raw HTML stays text (react-markdown turns raw nodes into
 * text), URLs go through react-markdown's safe transform (no javascript:),
 * links open in a new tab without an opener or referrer, and remote images are
 * never fetched (the app's Content-Security-Policy would refuse them too). Single
 * newlines are kept as line breaks: models write poems and addresses line by line.
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
  // Replies never load images: a remote image would let its host track the voter and
  // could show a logo the identity-leak check never reads. The image becomes its alt
  // text and address, as plain text.
  img: ({ node: _node, src, alt }: ComponentPropsWithoutRef<"img"> & { node?: unknown }) => (
    <span className="blocked-image" title="Images in replies are not loaded">
      [image: {alt || "no description"}
      {typeof src === "string" && src ? ` (${src})` : ""}]
    </span>
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
