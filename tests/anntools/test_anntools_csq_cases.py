"""The bcftools csq regression cases (real GRCh38 transcripts): how many variants agree.

Each case folder has a region FASTA, the Ensembl GFF3 of the transcript and a VCF
whose INFO/EXP holds bcftools' expected consequence. We run the whole engine
(annotate_file with gff=/fasta=) and compare the consequence terms per
transcript. EXPL (bcftools' localised, non-haplotype mode) is used where given,
since anntools, like VEP, calls each record on its own.

Term mapping: ours are SO names (missense_variant), bcftools drops "_variant".
Compared without upstream/downstream (bcftools does not report them),
NMD_transcript (bcftools adds it inconsistently) and intron_variant next to a
splice or non-coding term (VEP reports both, bcftools one).
"""
import csv
from pathlib import Path

import pytest

from anntools import annotate_file

from .conftest import CSQ_CASES

# Every disagreement, with why. The test fails if one goes away (update this list)
# or a new one appears (a regression, or a new case to explain).
KNOWN_DIFFERENCES = {
    ("ENST00000318249.2", 4958, "AGA", "A"): "deleting GA right before ATG: bcftools checks that a "
        "new ATG forms (start_retained); we do not re-scan for a start codon and say start_lost",
    ("ENST00000368801.2", 11191, "AT", "A"): "the same variant is start_retained in this case and "
        "synonymous&start_lost in the next (two GFF versions); we say start_lost for both",
    ("ENST00000368801", 11191, "AT", "A"): "see previous: bcftools' two expectations contradict",
    ("ENST00000375992", 6453, "ATCCTCGAGGCAGCC", "A"): "deletion across the 5'UTR and the start "
        "codon: bcftools adds 'synonymous' for the re-formed codon; we report 5'UTR&start_lost",
    ("ENST00000341065", 18498, "GGTAAGGGG", "GGTAAGGGGA"): "bcftools expects nothing ('no "
        "consequence'); we report intron_variant, as VEP does for an intronic insertion",
    ("ENST00000341065", 16255, "CCCCACCCAGA", "CCCACCCAGA"): "bcftools expects no call (can be "
        "normalised); we still report the intron_variant it is (VEP convention)",
    ("ENST00000341065", 18365, "ACAACTCAGG", "AACAACTCAGG"): "as above: intron_variant reported",
    ("ENST00000341065", 16427, "GGTACTGGGG", "GGTACTGGG"): "bcftools places the deleted G in the "
        "exon (synonymous, its own comment says 'should not be called'); we left-trim to the "
        "intronic G: splice_region",
    ("ENST00000341065", 19026, "CAGGTGGCCAG", "CAGGCCAG"): "equivalent placement of a 3-base "
        "deletion in a repeat; bcftools adds synonymous for the rebuilt codon",
    ("ENST00000382647", 1443, "A", "ACCCGGCCGCACGCTCTCA"): "long insertion in a repeat at a donor: "
        "left-aligned it leaves the donor, so we call intron (bcftools' own note says it 'should "
        "be synonymous splice region if seq were checked')",
    ("ENST00000420670", 44688, "C", "T"): "a one-codon CDS: bcftools says missense ('this cannot "
        "be real'); the codon is the start codon, so we say start_lost",
    ("ENST00000518414", 11397, "ACTGCAAGGTGAGCT", "A"): "deletion across the stop codon and past "
        "the exon end into the 3'UTR: we say coding_sequence_variant; bcftools rebuilds the "
        "protein (inframe_deletion&stop_lost)",
    ("ENST00000294661", 9715, "GCCGGAAA", "G"): "REF runs past the end of the case's FASTA "
        "(9,717 bases): the engine lists the line as unreadable rather than guess bases",
    ("ENST00000528237", 14714, "G", "A"): "CGA>TGA makes a stop: we say stop_gained (so does "
        "VEP); bcftools expects stop_retained here",
}


def _bc(term):
    t = term.replace("_variant", "")
    return {"5_prime_UTR": "5_prime_utr", "3_prime_UTR": "3_prime_utr",
            "non_coding_transcript_exon": "non_coding", "non_coding_transcript": "non_coding"}.get(t, t)


def _expected(info):
    exp = info.get("EXPL") or info.get("EXP")
    if exp is None or exp.startswith("@"):
        return None
    want = {}
    if exp != ".":
        for entry in exp.split(","):
            p = entry.split("|")
            want.setdefault(p[2] or p[1], set()).update(x for x in p[0].split("&") if x != "NMD_transcript")
    return want


def _run_case(case, tmp):
    gff, fa = next(case.glob("*.gff")), next(case.glob("*.fa"))
    results = []
    for vcf in sorted(case.glob("*.vcf")):
        out = tmp / case.name / vcf.stem
        annotate_file(vcf, out, gff=gff, fasta=fa)
        got = {}
        for r in csv.DictReader(open(out / (vcf.stem + ".annot.tsv")), delimiter="\t"):
            terms = [_bc(t) for t in r["Consequence"].split("&")
                     if "stream" not in t and "NMD" not in t and t != "intergenic_variant"]
            if any(t.startswith("splice") or t == "non_coding" for t in terms) and "intron" in terms:
                terms.remove("intron")
            if terms:
                entry = got.setdefault((int(r["POS"]), r["REF"], r["ALT"], r["Allele"]), {})
                entry[r["Feature"].split(".")[0]] = (r["SYMBOL"], set(terms))
        for line in vcf.read_text().splitlines():
            if line.startswith("#"):
                continue
            f = line.split("\t")
            info = dict(p.split("=", 1) if "=" in p else (p, "") for p in f[7].split(";"))
            want = _expected(info)
            if want is None:
                continue
            for alt in f[4].split(","):
                if alt in (".", f[3]):
                    continue
                mine = {}
                for (pos, ref, alts, _allele), per_tx in got.items():
                    if pos == int(f[1]) and ref == f[3] and alts == f[4]:
                        mine.update(per_tx)
                ok = all(mine.get(k, (None, None))[1] == v or
                         any(sym == k and terms == v for sym, terms in mine.values())
                         for k, v in want.items()) and (bool(want) or not mine)
                results.append(((case.name, int(f[1]), f[3], alt), ok, want, mine))
    return results


def test_bcftools_csq_cases_agreement(tmp_path):
    cases = sorted(p for p in CSQ_CASES.iterdir() if p.is_dir() and list(p.glob("*.gff")))
    assert len(cases) >= 57
    results = [r for case in cases for r in _run_case(case, tmp_path)]
    agree = sum(ok for _, ok, _, _ in results)
    disagree = {key: (want, mine) for key, ok, want, mine in results if not ok}
    print(f"\nbcftools csq cases: {agree} of {len(results)} variants agree "
          f"({100 * agree / len(results):.1f}%)")
    assert len(results) >= 120
    unexplained = set(disagree) - set(KNOWN_DIFFERENCES)
    assert not unexplained, {k: disagree[k] for k in unexplained}
    fixed = set(KNOWN_DIFFERENCES) - set(disagree)
    assert not fixed, f"now agree, remove from KNOWN_DIFFERENCES: {fixed}"
    assert agree / len(results) >= 0.89
