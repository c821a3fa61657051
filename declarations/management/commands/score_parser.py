"""Score the declaration parser on a corpus of real texts with reader-written expectations."""

from pathlib import Path

from django.core.management.base import BaseCommand

from declarations.intake.parsing.scoring import report, score_corpus, time_acronym_stress

DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "tests" / "corpus"


class Command(BaseCommand):
    help = (
        "Print, per corpus document, whether segmentation is exact, lead verbs right (n/N) and "
        "instrument precision/recall, then a total line and the time to parse a text of "
        "2,000 paragraphs each defining an acronym."
    )

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
        parser.add_argument("--details", action="store_true", help="list every miss")
        parser.add_argument("--stress", type=int, default=2000, help="0 skips the timing")

    def handle(self, *args, corpus: Path, details: bool, stress: int, **options):
        score = score_corpus(corpus)
        for line in report(score):
            self.stdout.write(line)
        if details:
            for document in score.documents:
                for miss in document.misses:
                    self.stdout.write(f"  {document.name}: {miss}")
        if stress:
            seconds = time_acronym_stress(stress)
            self.stdout.write(f"{stress} paragraphs each defining an acronym: {seconds:.2f} s")
