"""Retrain the complaint classifier from the official corpus (data/corpus.jsonl), the
generated colloquial seed and staff-confirmed labels (triage's confirmations and
corrections), print the evaluation tables, and replace the model only when its accuracy on
the held-out publishers does not drop.

    manage.py train_classifier                    # retrain; keep the old model to roll back to
    manage.py train_classifier --no-staff         # how the shipped model is built
    manage.py train_classifier --evaluate-only [--markdown]   # the README's tables
    manage.py train_classifier --rollback         # put the previous model back
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.classifier import MODEL_PATH, reset_classifier
from complaints.classifier.evaluate import (
    CORPUS_PATH,
    HELDOUT_PATH,
    evaluate,
    load_records,
    report_lines,
)
from complaints.classifier.labels import confirmed_labels, read_labels_tsv
from complaints.classifier.model import Classifier, accuracy_report, format_report
from complaints.classifier.seed_corpus import generate
from complaints.classifier.train import build_model, training_pairs


def stratified_split(pairs, share: float, seed: int):
    by_cat: dict[str, list] = defaultdict(list)
    for pair in pairs:
        by_cat[pair[0]].append(pair)
    rng = random.Random(seed)
    train, test = [], []
    for cat in sorted(by_cat):
        items = by_cat[cat][:]
        rng.shuffle(items)
        k = round(len(items) * share)
        test += items[:k]
        train += items[k:]
    return train, test


def previous_path(output: Path) -> Path:
    """Where the model replaced last is kept (model.npz → model.previous.npz)."""
    return output.with_name(output.stem + ".previous" + output.suffix)


def write_atomically(source: Classifier | Path, output: Path) -> None:
    """Save a model (or copy a model file) to a temporary file next to `output`, then rename
    it over `output`: a reader never sees half a model."""
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=output.stem, suffix=".tmp")
    os.close(fd)
    try:
        if isinstance(source, Path):
            shutil.copyfile(source, tmp)
        else:
            source.save(tmp)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class Command(BaseCommand):
    help = "Train the complaint classifier; print held-out tables; replace the model if no worse."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-staff",
            action="store_true",
            help="leave out staff-confirmed labels (how the shipped model is built)",
        )
        parser.add_argument("--labels", help="TSV of staff-confirmed labels: category<TAB>text")
        parser.add_argument("--corpus", default=str(CORPUS_PATH), help="official corpus (JSONL)")
        parser.add_argument("--per-category", type=int, default=600, help="seed texts each")
        parser.add_argument("--seed", type=int, default=1, help="seed corpus random seed")
        parser.add_argument(
            "--folds", type=int, default=5, help="publisher folds for the corpus table (0: none)"
        )
        parser.add_argument("--output", default=str(MODEL_PATH), help="the model to replace")
        parser.add_argument(
            "--heldout", default=str(HELDOUT_PATH), help="held-out set (JSONL, official sources)"
        )
        parser.add_argument(
            "--evaluate-only",
            action="store_true",
            help="train nothing: print the tables for the model at --output",
        )
        parser.add_argument("--markdown", action="store_true", help="tables as README markdown")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the model even if its held-out accuracy drops",
        )
        parser.add_argument(
            "--rollback",
            action="store_true",
            help="put back the model that the last training replaced",
        )

    def _records(self, path: str):
        try:
            return load_records(path)
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from e

    def _load(self, path: Path) -> Classifier:
        try:
            return Classifier.load(path)
        except (OSError, ValueError, KeyError) as e:
            raise CommandError(f"{path}: {e}") from e

    def handle(self, *args, **opts):
        output = Path(opts["output"])
        heldout = self._records(opts["heldout"])
        if opts["rollback"]:
            self.rollback(output, heldout)
            return
        if opts["evaluate_only"]:
            clf = self._load(output)
            self.stdout.write("\n".join(report_lines(clf, heldout, markdown=opts["markdown"])))
            return
        corpus = self._records(opts["corpus"])
        staff: list[tuple[str, str]] = [] if opts["no_staff"] else confirmed_labels()
        if opts["labels"]:
            try:
                staff += read_labels_tsv(opts["labels"])
            except (OSError, ValueError) as e:
                raise CommandError(str(e)) from e
        # Staff labels are held out 20 % stratified on their own, so the reported number says
        # how the model does on the complaints this office actually receives.
        staff_train, staff_test = stratified_split(staff, 0.2, opts["seed"])
        try:
            examples = training_pairs(corpus, opts["per_category"], staff_train, opts["seed"])
        except ValueError as e:
            raise CommandError(str(e)) from e
        publishers = len({r.source["publisher"] for r in corpus})
        self.stdout.write(
            f"training on {len(corpus)} official texts from {publishers} publishers, "
            f"{len(examples) - len(corpus) - len(staff_train)} generated colloquial texts "
            f"and {len(staff_train)} staff-confirmed labels"
        )
        clf, cv = build_model(
            examples,
            folds=opts["folds"],
            meta={
                "seed": opts["seed"],
                "per_category": opts["per_category"],
                "corpus": len(corpus),
                "staff_labels": len(staff_train),
            },
            progress=lambda k, n: self.stdout.write(f"  cross-validation fold {k}/{n}"),
        )
        self.stdout.write(f"calibration temperature {clf.temperature:.3f}")
        self.stdout.write("\n".join(report_lines(clf, heldout, cv, markdown=opts["markdown"])))
        unseen = generate(max(50, opts["per_category"] // 10), opts["seed"] + 1, "heldout")
        rep = accuracy_report(clf, [t for _, t in unseen], [c for c, _ in unseen])
        self.stdout.write("\n".join(format_report("seed generator, unseen templates", rep)))
        if staff_test:
            rep = accuracy_report(clf, [t for _, t in staff_test], [c for c, _ in staff_test])
            self.stdout.write("\n".join(format_report("held-out staff-confirmed", rep)))
        self.replace(clf, output, heldout, force=opts["force"])

    def replace(self, clf: Classifier, output: Path, heldout, *, force: bool) -> None:
        """Write `clf` to `output` unless the model there does better on the held-out
        publishers; the replaced model is kept as the previous one."""
        new = evaluate(clf, heldout)["all"]
        if output.exists():
            old = evaluate(self._load(output), heldout)["all"]
            verdict = (
                f"held-out accuracy: current model {old.accuracy:.1%} ({old.correct}/{old.total}),"
                f" retrained {new.accuracy:.1%} ({new.correct}/{new.total})"
            )
            if new.correct < old.correct and not force:
                raise CommandError(
                    f"{verdict}: the held-out score would drop, so {output} was not replaced "
                    "(--force replaces it anyway)"
                )
            self.stdout.write(verdict)
            write_atomically(output, previous_path(output))
        write_atomically(clf, output)
        if output.resolve() == MODEL_PATH.resolve():
            reset_classifier()
        self.stdout.write(
            f"model written to {output} ({output.stat().st_size:,} bytes); "
            f"the one it replaced: {previous_path(output)} (--rollback puts it back)"
        )

    def rollback(self, output: Path, heldout) -> None:
        previous = previous_path(output)
        if not previous.exists():
            raise CommandError(f"there is no previous model at {previous} to roll back to")
        restored = self._load(previous)  # refuses a damaged file before anything moves
        swap = previous.with_name(previous.name + ".swap")
        if output.exists():
            shutil.copyfile(output, swap)
        write_atomically(previous, output)
        if swap.exists():
            os.replace(swap, previous)  # a second --rollback undoes the first
        if output.resolve() == MODEL_PATH.resolve():
            reset_classifier()
        scores = evaluate(restored, heldout)["all"]
        self.stdout.write(
            f"rolled back: {output} is the previous model again (held-out accuracy "
            f"{scores.accuracy:.1%}, {scores.correct}/{scores.total}); the replaced one is "
            f"now {previous}"
        )
