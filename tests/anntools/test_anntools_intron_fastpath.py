"""The deep-intron SNV fast path (annotator._intron_pieces/_intron_label) says what TxModel says."""
import random

from anntools.annotator import _intron_label, _intron_pieces, _static_parts
from anntools.hgvs import _exonic
from anntools.models import Transcript
from anntools.txmodel import TxModel


def _transcripts(n=200, seed=7):
    rng = random.Random(seed)
    for i in range(n):
        pos, starts, ends = rng.randrange(1000, 5000), [], []
        for _ in range(rng.randrange(2, 12)):
            starts.append(pos)
            pos += rng.randrange(1, 300)
            ends.append(pos)
            pos += rng.randrange(30, 2000)
        cds = None
        if rng.random() < 0.7:
            a = rng.randrange(starts[0], ends[-1] - 1)
            b = rng.randrange(a + 1, ends[-1] + 1)
            cds = (a, b)
        biotype = rng.choice(["protein_coding", "nonsense_mediated_decay", "lncRNA"])
        yield Transcript("1", starts[0], ends[-1], rng.choice([1, -1]), f"G{i}", f"ENSG{i}",
                         f"T{i}-201", biotype, rng.random() < 0.3, tuple(starts), tuple(ends),
                         cds and cds[0], cds and cds[1], "coding" if cds else "exons")


def test_intron_labels_match_txmodel():
    for t in _transcripts():
        m = TxModel(t)
        st = _static_parts(t)
        iv = _intron_pieces(t, st)
        assert iv[2] == m.plus and iv[4] == m.cds0 and iv[5] == m.cds1
        assert iv[0] == st[4][m.cds0 is None] and iv[0].endswith(f"|MODIFIER|{st[0]}||")
        assert iv[1] == ("c." if m.coding else "n.")
        for k in range(len(t.exon_starts) - 1):
            num, up, up_pos, down, down_pos = m.intron_label(k)
            assert _intron_label(t, k, iv) == (f"{num}|", f"{num}|{iv[1]}", up, f"{up_pos}+",
                                               down, f"{down_pos}-")
            assert up_pos == _exonic(m, m.g2tx(up))
