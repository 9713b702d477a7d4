import { useRef, useState, type ChangeEvent, type KeyboardEvent, type RefObject } from "react";

/** The server's prompt cap (Settings.max_prompt_chars), when the page knows no smaller limit. */
export const MAX_PROMPT_CHARS = 16_000;

interface Props {
  onSend: (text: string) => Promise<boolean> | boolean;
  disabled: boolean;
  busy: boolean;
  placeholder: string;
  hint?: string;
  /** Lets the page focus the box (after "New round"). */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
  /** The longest prompt the models can read (the arena's smallest context); cut here. */
  maxChars?: number;
}

const fmt = (n: number) => n.toLocaleString("en-US");

/**
 * Prompt box: Enter sends, Shift+Enter inserts a new line. It keeps at most
 * MAX_PROMPT_CHARS; text past that (a big paste) is cut with a notice that says how much
 * was dropped, never silently as a `maxLength` attribute would.
 */
export function Composer({ onSend, disabled, busy, placeholder, hint, inputRef, maxChars = MAX_PROMPT_CHARS }: Props) {
  const MAX = maxChars;
  const [text, setText] = useState("");
  const [cut, setCut] = useState<number | null>(null);
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const ref = inputRef ?? ownRef;
  const canSend = !disabled && !busy && text.trim().length > 0;

  const submit = async () => {
    if (!canSend) return;
    const value = text;
    setText("");
    setCut(null);
    // Sending from the button disables it; keep focus in the prompt box, where the
    // next follow-up is typed, instead of letting it fall to the page.
    ref.current?.focus();
    const ok = await onSend(value);
    if (!ok) setText(value);
  };

  const onChange = (e: ChangeEvent<HTMLTextAreaElement>) => {
    const value = e.target.value;
    if (value.length > MAX) {
      setCut(value.length);
      setText(value.slice(0, MAX));
    } else {
      if (cut !== null && value.length < MAX) setCut(null);
      setText(value);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const near = text.length >= MAX * 0.9;
  const why = MAX < MAX_PROMPT_CHARS ? " (what the smallest model here can read)" : "";
  return (
    <form
      className="composer"
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        ref={ref}
        data-testid="prompt-input"
        className="prompt"
        rows={2}
        value={text}
        placeholder={placeholder}
        disabled={disabled}
        onChange={onChange}
        onKeyDown={onKeyDown}
        aria-label="Prompt"
        aria-describedby="prompt-cut"
      />
      <button type="submit" className="btn btn-primary send" data-testid="send-button" disabled={!canSend} aria-label="Send">
        {busy ? <span className="spinner" aria-hidden="true" /> : <SendIcon />}
        <span className="send-label">Send</span>
      </button>
      <div className="composer-foot">
        {hint ? <p className="composer-hint">{hint}</p> : null}
        {text.length > 0 ? (
          <p className={`prompt-count${near ? " near" : ""}`} data-testid="prompt-count">
            {fmt(text.length)} / {fmt(MAX)}
            <span className="sr-only"> characters</span>
          </p>
        ) : null}
      </div>
      <p id="prompt-cut" className="prompt-cut" role="status" data-testid="prompt-cut">
        {cut !== null
          ? `Your text was ${fmt(cut)} characters; a prompt here holds ${fmt(MAX)}${why}, so only the first ${fmt(MAX)} were kept and the last ${fmt(cut - MAX)} were cut.`
          : null}
      </p>
    </form>
  );
}

function SendIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M3 11.5 21 3l-8.5 18-2-7.5L3 11.5Z" fill="currentColor" />
    </svg>
  );
}
