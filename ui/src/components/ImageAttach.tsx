/**
 * Attach one image to a prompt: a button, drag and drop anywhere on the arena, or paste.
 * The file is uploaded at once; the server answers with the id of its cleaned copy.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent } from "react";
import { ApiError, MAX_IMAGE_BYTES, imageUrl, uploadImage, type StoredImage } from "../lib/api";

const ACCEPTED = ["image/png", "image/jpeg", "image/webp", "image/gif"];

interface Props {
  image: StoredImage | null;
  onChange: (image: StoredImage | null) => void;
  disabled?: boolean;
}

export function useImageDrop(onFile: (file: File) => void, enabled: boolean) {
  const [over, setOver] = useState(false);
  const handlers = {
    onDragOver: (e: DragEvent) => {
      if (!enabled || !Array.from(e.dataTransfer.types).includes("Files")) return;
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      setOver(false);
      if (!enabled) return;
      const file = e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      onFile(file);
    },
  };
  return { over, handlers };
}

export function ImageAttach({ image, onChange, disabled }: Props) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const take = useCallback(
    async (file: File) => {
      setError(null);
      if (!ACCEPTED.includes(file.type)) {
        setError("Use a PNG, JPEG, WebP or GIF image.");
        return;
      }
      if (file.size > MAX_IMAGE_BYTES) {
        setError(`This image is ${(file.size / 1048576).toFixed(1)} MB; the limit is 15 MB.`);
        return;
      }
      setBusy(true);
      try {
        onChange(await uploadImage(file, file.name || "image"));
      } catch (e) {
        setError(e instanceof ApiError ? e.message : "The image could not be uploaded.");
      } finally {
        setBusy(false);
      }
    },
    [onChange],
  );

  // Paste an image anywhere on the page while this control is shown.
  useEffect(() => {
    if (disabled) return;
    const onPaste = (e: ClipboardEvent) => {
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith("image/"));
      if (!file) return;
      e.preventDefault();
      void take(file);
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, [disabled, take]);

  const { over, handlers } = useImageDrop((file) => void take(file), !disabled);

  return (
    <div className={`image-attach${over ? " drop-over" : ""}`} {...handlers} data-testid="image-attach">
      {image ? (
        <figure className="attach-preview">
          <img src={imageUrl(image.image_id)} alt="The image you attached" data-testid="attach-preview" />
          <figcaption>
            {image.width}×{image.height}
            {!disabled ? (
              <button type="button" className="btn btn-small" onClick={() => onChange(null)} data-testid="attach-remove">
                Remove
              </button>
            ) : null}
          </figcaption>
        </figure>
      ) : (
        <p className="attach-hint">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => inputRef.current?.click()}
            disabled={disabled || busy}
            data-testid="attach-button"
          >
            {busy ? "Uploading…" : "Add an image"}
          </button>{" "}
          or drop or paste one here (PNG, JPEG, WebP or GIF, up to 15 MB).
        </p>
      )}
      <input
        ref={inputRef}
        type="file"
        accept={ACCEPTED.join(",")}
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void take(file);
        }}
      />
      {error ? (
        <p className="attach-error" role="alert" data-testid="attach-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
