"""Article-level reuse benchmark: copy / rewrite / partial / independent, and direction.

The labelled set is built at run time from ../shared/data/reuters21578:
- copy: the groups of identical Reuters bodies (first two of each group), plus
  a lightly edited copy (last paragraph dropped, a few words changed) of each of
  our twelve stories;
- rewrite: our own rewordings (benchmarks/data/reuse/rewrites.json) of twelve
  stories, as written and with every third sentence swapped for the original's;
- partial: some consecutive original sentences, our own added sentences and a
  few sentences of an unrelated Reuters story, two variants per story;
- independent: random pairs of different stories, and pairs from the same topic
  and day whose word sets overlap little (a high-overlap same-day pair may be a
  real reuse, so it is left out rather than mislabelled).
Items are split in two halves: ``--split dev`` for tuning, ``--split test`` to report.
No publication times are given, so direction comes from content alone.

    python benchmarks/reuse.py --split test          # report with the shipped options
    python benchmarks/reuse.py --split dev --tune    # grid-search the thresholds on dev
"""

from __future__ import annotations

import argparse
import gzip
import html
import itertools
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from corroborate.config import Context
from corroborate.model import Article
from corroborate.provenance.align import AlignOptions, PairAlignment, align_articles
from corroborate.provenance.reuse import REUSE_KINDS, ReuseOptions, pair_reuse
from corroborate.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
REUTERS = ROOT / ".." / "shared" / "data" / "reuters21578"
REWRITES = ROOT / "benchmarks" / "data" / "reuse" / "rewrites.json"


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    title: str
    date: str
    topics: tuple[str, ...]
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """A labelled pair; ``source`` is "a", "b" or "" when the direction is unknown."""

    a: Article
    b: Article
    kind: str
    source: str
    note: str


def read_reuters() -> dict[str, Doc]:
    """Every Reuters-21578 item with a body, paragraphs unwrapped, trailing 'Reuter' dropped."""
    if not REUTERS.exists():
        sys.exit(f"Reuters-21578 not found at {REUTERS} (needs ../shared beside the repo)")
    docs: dict[str, Doc] = {}
    for path in sorted(REUTERS.glob("reut2-*.sgm.gz")):
        with gzip.open(path, "rb") as fh:
            raw = fh.read().decode("latin-1")
        for m in re.finditer(r'<REUTERS[^>]*NEWID="(\d+)">(.*?)</REUTERS>', raw, re.S):
            body = re.search(r"<BODY>(.*?)</BODY>", m.group(2), re.S)
            if not body:
                continue
            title = re.search(r"<TITLE>(.*?)</TITLE>", m.group(2), re.S)
            date = re.search(r"<DATE>(.*?)</DATE>", m.group(2), re.S)
            topics = re.search(r"<TOPICS>(.*?)</TOPICS>", m.group(2), re.S)
            text = html.unescape(body.group(1))
            text = re.sub(r"\s*\bReuter\b\s*\x03?\s*$", "", text, flags=re.I).strip()
            paras = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n {2,}", text)]
            docs[m.group(1)] = Doc(
                id=m.group(1),
                title=html.unescape(title.group(1)) if title else "",
                date=date.group(1).strip()[:11] if date else "",
                topics=tuple(re.findall(r"<D>(.*?)</D>", topics.group(1))) if topics else (),
                paragraphs=tuple(p for p in paras if p),
            )
    return docs


def article(doc_id: str, paragraphs: list[str] | tuple[str, ...], title: str = "") -> Article:
    return Article(title=title, paragraphs=list(paragraphs), id=doc_id, input=doc_id)


def sentences(paragraphs: tuple[str, ...]) -> list[str]:
    return [p[s:e] for p in paragraphs for s, e in split_sentences(p)]


def _light_edit(doc: Doc, rng: random.Random) -> list[str]:
    """Drop the last paragraph and change one word in every third sentence."""
    swaps = {"said": "says", "would": "will", "the": "this", "percent": "pct", "pct": "percent"}
    out = []
    for k, sent in enumerate(
        sentences(doc.paragraphs[:-1] if len(doc.paragraphs) > 3 else doc.paragraphs)
    ):
        if k % 3 == 0:
            toks = sent.split()
            idx = [i for i, t in enumerate(toks) if t in swaps]
            if idx:
                i = rng.choice(idx)
                toks[i] = swaps[toks[i]]
            sent = " ".join(toks)
        out.append(sent)
    return out


def build_items(docs: dict[str, Doc], seed: int = 0) -> list[Item]:
    """The whole labelled set (see the module docstring), in a fixed order."""
    rng = random.Random(seed)
    stories = json.loads(REWRITES.read_text(encoding="utf-8"))["stories"]
    items: list[Item] = []
    with_body = [d for d in docs.values() if len(" ".join(d.paragraphs).split()) >= 60]
    for st in stories:
        doc = docs[st["reuters_id"]]
        orig = article(doc.id, doc.paragraphs, doc.title)
        rew = st["rewrite"]
        items.append(Item(orig, article(f"{doc.id}-rewrite", rew), "rewrite", "a", "rewrite"))
        osents = sentences(doc.paragraphs)
        mixed = [osents[k] if k % 3 == 2 and k < len(osents) else s for k, s in enumerate(rew)]
        items.append(
            Item(article(f"{doc.id}-mixed", mixed), orig, "rewrite", "b", "rewrite+copied")
        )
        items.append(
            Item(orig, article(f"{doc.id}-edit", _light_edit(doc, rng)), "copy", "a", "edited copy")
        )
        for v in range(2):
            k = rng.randint(2, max(2, len(osents) // 2))
            start = rng.randint(0, len(osents) - k)
            other = rng.choice(with_body)
            filler = sentences(other.paragraphs)[:3]
            body = [*st["additions"][:1], *osents[start : start + k], *st["additions"][1:], *filler]
            items.append(
                Item(
                    article(f"{doc.id}-partial{v}", body),
                    orig,
                    "partial",
                    "b",
                    f"partial {k}/{len(osents)}",
                )
            )
    groups: dict[str, list[Doc]] = {}
    for d in docs.values():
        groups.setdefault(" ".join(" ".join(d.paragraphs).split()).lower(), []).append(d)
    dup_groups = sorted((g for g in groups.values() if len(g) > 1), key=lambda g: int(g[0].id))
    for g in dup_groups:
        items.append(
            Item(
                article(g[0].id, g[0].paragraphs),
                article(g[1].id, g[1].paragraphs),
                "copy",
                "",
                "identical",
            )
        )
    for _ in range(150):
        x, y = rng.sample(with_body, 2)
        if " ".join(x.paragraphs) != " ".join(y.paragraphs):
            items.append(
                Item(
                    article(x.id, x.paragraphs),
                    article(y.id, y.paragraphs),
                    "independent",
                    "",
                    "random",
                )
            )
    by_day: dict[tuple[str, str], list[Doc]] = {}
    for d in with_body:
        for t in d.topics[:1]:
            by_day.setdefault((t, d.date), []).append(d)
    same = [g for g in by_day.values() if len(g) >= 2]
    rng.shuffle(same)
    for g in same[:150]:
        x, y = rng.sample(g, 2)
        wx, wy = (
            set(" ".join(x.paragraphs).lower().split()),
            set(" ".join(y.paragraphs).lower().split()),
        )
        if len(wx & wy) / len(wx | wy) < 0.3:
            items.append(
                Item(
                    article(x.id, x.paragraphs),
                    article(y.id, y.paragraphs),
                    "independent",
                    "",
                    "same topic+day",
                )
            )
    return items


def split(items: list[Item], which: str) -> list[Item]:
    """Alternate items of each kind into dev (even) and test (odd)."""
    seen: Counter[str] = Counter()
    out = []
    for it in items:
        k = seen[it.kind]
        seen[it.kind] += 1
        if (k % 2 == 0) == (which == "dev"):
            out.append(it)
    return out


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, dict[str, float]]:
    per = {}
    for k in REUSE_KINDS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == k)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == k and g != k)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == k and p != k)
        per[k] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return sum(per.values()) / len(per), per


def evaluate(
    items: list[Item], alignments: list[PairAlignment], ropts: ReuseOptions
) -> tuple[float, dict[str, float], float, list[str]]:
    """Macro-F1, per-kind F1, direction accuracy, predictions."""
    preds, right, total = [], 0, 0
    for it, al in zip(items, alignments, strict=True):
        r = pair_reuse(al, it.a, it.b, ropts)
        preds.append(r.kind)
        if it.source and r.kind != "independent":
            total += 1
            right += r.source == (it.a.id if it.source == "a" else it.b.id)
    f1, per = macro_f1([it.kind for it in items], preds)
    return f1, per, right / total if total else 0.0, preds


def _filtered(al: PairAlignment, threshold: float) -> PairAlignment:
    links = tuple(x for x in al.links if x.kind != "paraphrase" or x.score >= threshold)
    return replace(al, links=links)


def tune(items: list[Item], ctx: Context) -> None:
    """Grid-search the paraphrase and share thresholds on the given (dev) items."""
    base = AlignOptions(paraphrase=0.1)
    aligned = [align_articles(it.a, it.b, ctx, base) for it in items]
    results = []
    for t, cv, cs, rw, rs, ps in itertools.product(
        (0.15, 0.2, 0.25, 0.3, 0.4, 0.5),
        (0.7, 0.8),
        (0.5, 0.6, 0.7),
        (0.3, 0.4, 0.5),
        (0.3, 0.4, 0.5),
        (0.1, 0.15, 0.2, 0.3),
    ):
        ropts = ReuseOptions(
            copy_verbatim=cv, copy_source=cs, rewrite_share=rw, rewrite_source=rs, partial_share=ps
        )
        f1, _, dacc, _ = evaluate(items, [_filtered(a, t) for a in aligned], ropts)
        results.append((f1, dacc, t, ropts))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    for f1, dacc, t, ropts in results[:8]:
        print(f"dev macro-F1 {f1:.3f} direction {dacc:.3f}  paraphrase>={t} {ropts}")
    print("best per paraphrase threshold:")
    for t in sorted({r[2] for r in results}):
        f1, dacc, _, ropts = next(r for r in results if r[2] == t)
        print(f"  paraphrase>={t}: dev macro-F1 {f1:.3f} direction {dacc:.3f} {ropts}")
    current = ReuseOptions()
    f1, _, dacc, _ = evaluate(
        items, [_filtered(a, AlignOptions().paraphrase) for a in aligned], current
    )
    print(
        f"shipped defaults (paraphrase>={AlignOptions().paraphrase}, {current}): dev macro-F1 {f1:.3f} direction {dacc:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=("dev", "test"), default="test")
    parser.add_argument("--tune", action="store_true", help="grid-search thresholds (dev only)")
    args = parser.parse_args()
    if args.tune and args.split != "dev":
        sys.exit("tune on the dev split only")
    ctx = Context()
    items = split(build_items(read_reuters()), args.split)
    print(f"{args.split}: {len(items)} pairs {dict(Counter(it.kind for it in items))}")
    if args.tune:
        tune(items, ctx)
        return
    t0 = time.perf_counter()
    aligned = [align_articles(it.a, it.b, ctx) for it in items]
    elapsed = time.perf_counter() - t0
    f1, per, dacc, preds = evaluate(items, aligned, ReuseOptions())
    print(
        f"macro-F1 {f1:.3f}  [target >= 0.85]  per kind: "
        + ", ".join(f"{k} {v:.3f}" for k, v in per.items())
    )
    n_dir = sum(1 for it, p in zip(items, preds, strict=True) if it.source and p != "independent")
    print(
        f"direction accuracy {dacc:.3f} over {n_dir} detected pairs with a known source (no dates given)"
    )
    confusion = Counter((it.kind, p) for it, p in zip(items, preds, strict=True))
    print(
        "confusion (gold -> predicted):",
        {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())},
    )
    for it, p in zip(items, preds, strict=True):
        if p != it.kind:
            print(f"  miss: {it.a.id} / {it.b.id} gold {it.kind} ({it.note}) predicted {p}")
    print(f"aligned {len(items)} pairs in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
