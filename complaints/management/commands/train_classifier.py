"""Retrain the complaint classifier from the seed corpus plus staff-confirmed labels, report
held-out accuracy (the table of `complaints.classifier.evaluate` on official texts the model
never saw, plus the seed corpus' own splits), and write the model. `--evaluate-only` prints
the held-out table for an existing model without training."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.classifier import MODEL_PATH, reset_classifier
from complaints.classifier.evaluate import HELDOUT_PATH, load_heldout, report_lines
from complaints.classifier.labels import confirmed_labels, read_labels_tsv
from complaints.classifier.model import Classifier, accuracy_report, build, format_report
from complaints.classifier.seed_corpus import generate


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


class Command(BaseCommand):
    help = "Train the complaint classifier; print held-out accuracy; write the model."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="train on the generated seed corpus only (how the shipped model is built)",
        )
        parser.add_argument("--labels", help="TSV of staff-confirmed labels: category<TAB>text")
        parser.add_argument("--per-category", type=int, default=3000, help="seed texts each")
        parser.add_argument("--seed", type=int, default=1, help="seed corpus random seed")
        parser.add_argument(
            "--eval-seed", type=int, default=2, help="seed of the unseen-template set"
        )
        parser.add_argument("--output", default=str(MODEL_PATH), help="where to write the model")
        parser.add_argument(
            "--evaluate-only",
            action="store_true",
            help="train nothing: print the held-out table for the model at --output",
        )
        parser.add_argument(
            "--heldout", default=str(HELDOUT_PATH), help="held-out set (JSONL, official sources)"
        )

    def heldout_table(self, clf: Classifier, path: str) -> None:
        try:
            records = load_heldout(path)
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from e
        self.stdout.write("\n".join(report_lines(clf, records)))

    def handle(self, *args, **opts):
        if opts["evaluate_only"]:
            try:
                clf = Classifier.load(opts["output"])
            except OSError as e:
                raise CommandError(str(e)) from e
            self.heldout_table(clf, opts["heldout"])
            return
        seed_pairs = generate(opts["per_category"], seed=opts["seed"], split="train")
        staff: list[tuple[str, str]] = []
        if not opts["seed_only"]:
            staff += confirmed_labels()
        if opts["labels"]:
            try:
                staff += read_labels_tsv(opts["labels"])
            except (OSError, ValueError) as e:
                raise CommandError(str(e)) from e
        # Staff labels are held out 20 % stratified on their own, so the reported number says
        # how the model does on real complaints once there are some.
        seed_train, seed_test = stratified_split(seed_pairs, 0.2, opts["seed"])
        staff_train, staff_test = stratified_split(staff, 0.2, opts["seed"])
        train = seed_train + staff_train
        self.stdout.write(
            f"training on {len(seed_train)} seed texts + {len(staff_train)} staff-confirmed"
        )
        clf = build(
            [t for _, t in train],
            [c for c, _ in train],
            meta={
                "seed": opts["seed"],
                "per_category": opts["per_category"],
                "staff_labels": len(staff_train),
            },
        )

        def report(name, pairs):
            if pairs:
                rep = accuracy_report(clf, [t for _, t in pairs], [c for c, _ in pairs])
                self.stdout.write("\n".join(format_report(name, rep)))

        report("held-out seed (same templates)", seed_test)
        unseen = generate(max(50, opts["per_category"] // 10), opts["eval_seed"], "heldout")
        report("unseen templates", unseen)
        report("held-out staff-confirmed", staff_test)
        self.heldout_table(clf, opts["heldout"])
        output = Path(opts["output"])
        clf.save(output)
        if output.resolve() == MODEL_PATH.resolve():
            reset_classifier()
        self.stdout.write(f"model written to {output} ({output.stat().st_size:,} bytes)")
