/** Images in a conversation, each opening full size in a dialog. */
import { useRef, useState } from "react";
import { imageUrl } from "../lib/api";

interface Props {
  ids: string[];
  /** Alt text: what the picture is ("Picture by Assistant A", "Your image"). */
  label: string;
}

export function Pictures({ ids, label }: Props) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState<string | null>(null);
  const show = (id: string) => {
    setOpen(id);
    dialogRef.current?.showModal();
  };
  return (
    <div className="pictures">
      {ids.map((id, i) => (
        <button key={id + i} type="button" className="picture" onClick={() => show(id)} aria-label={`${label}: view full size`}>
          <img src={imageUrl(id)} alt={label} loading="lazy" data-testid="picture" />
        </button>
      ))}
      <dialog ref={dialogRef} className="picture-dialog" onClose={() => setOpen(null)} aria-label={label}>
        {open ? <img src={imageUrl(open)} alt={label} /> : null}
        <form method="dialog">
          <button type="submit" className="btn btn-small" data-testid="picture-close">
            Close
          </button>
        </form>
      </dialog>
    </div>
  );
}
