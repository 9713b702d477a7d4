import { useRef, useState, type KeyboardEvent, type RefObject } from "react";

interface Props {
  onSend: (text: string) => Promise<boolean> | boolean;
  disabled: boolean;
  busy: boolean;
  placeholder: string;
  hint?: string;
  /** Lets the page focus the box (after "New round"). */
  inputRef?: RefObject<HTMLTextAreaElement | null>;
}

/** Prompt box: Enter sends, Shift+Enter inserts a new line. */
export function Composer({ onSend, disabled, busy, placeholder, hint, inputRef }: Props) {
  const [text, setText] = useState("");
  const ownRef = useRef<HTMLTextAreaElement>(null);
  const ref = inputRef ?? ownRef;
  const canSend = !disabled && !busy && text.trim().length > 0;

  const submit = async () => {
    if (!canSend) return;
    const value = text;
    setText("");
    const ok = await onSend(value);
    if (!ok) setText(value);
    ref.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form
      className="composer"
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
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        aria-label="Prompt"
        maxLength={16000}
      />
      <button type="submit" className="btn btn-primary send" data-testid="send-button" disabled={!canSend} aria-label="Send">
        {busy ? <span className="spinner" aria-hidden="true" /> : <SendIcon />}
        <span className="send-label">Send</span>
      </button>
      {hint ? <p className="composer-hint">{hint}</p> : null}
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
