"""anntools engine: annotate every ALT allele of a VCF against GRCh38 gene models.

What it annotates, per ALT allele: each transcript within 5 kb (gene symbol and
id, transcript, biotype, strand, MANE Select flag), the region the allele falls
in for that transcript (CDS, 5'/3' UTR, intron, non-coding exon, up/downstream
with distance, or intergenic when no transcript is near) with exon/intron
number n/N; per site the cytoband.

Lookup order, per data line: CHROM -> GRCh38 sequence name (assembly aliases:
chr1, 1, NC_000001.11, chrM, MT); POS -> the chromosome's bin index -> the
transcripts whose span +/- 5 kb overlaps; per transcript, bisect into its exons
-> CDS/UTR or intron; POS -> cytoband by bisect.

Coordinates: VCF POS is 1-based; everything inside is 0-based half-open
[start, end), so POS p is base p-1, and an insertion is an empty span.

It streams: one line in, one line out, so memory does not grow with the file.
Lines that cannot be read are copied through unchanged and listed in the log.
"""
import os
from collections import Counter
from dataclasses import dataclass, field

from . import builds, index as gene_index, report
from .errors import AnnotationError, NotAVcfError, UnsupportedBuildError
from .regions import RANK, allele_span, locate
from .vcfio import LineError, count_data_lines, open_binary, parse_fields, read_header, split_eol

VERSION = "0.1"
MAX_LISTED_PROBLEMS = 1000
# If this many data lines in a row from the start cannot be read, it is not a VCF.
NOT_VCF_AFTER = 50
# Builds the installed data annotates directly; rCRS is GRCh38's chrM (NC_012920.1).
DIRECT_BUILDS = ("GRCh38", "rCRS")

SO_TERM = {
    "CDS": "coding_sequence_variant", "exon": "exon_variant", "5UTR": "5_prime_UTR_variant",
    "3UTR": "3_prime_UTR_variant", "ncRNA_exon": "non_coding_transcript_exon_variant",
    "intron": "intron_variant", "transcript": "non_coding_transcript_variant",
    "upstream": "upstream_gene_variant", "downstream": "downstream_gene_variant",
    "intergenic": "intergenic_variant",
}


@dataclass
class AnnotationResult:
    annot_path: str
    log_path: str
    variants: int
    summary: str
    build: str = "GRCh38"
    input_build: str = ""
    problems: int = 0
    region_counts: dict = field(default_factory=dict)


def output_name(in_path):
    base = os.path.basename(in_path)
    for suffix in (".gz", ".bgz", ".vcf"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    return base or "input"


def _supported_text():
    return ("anntools annotates GRCh38 (hg38) files, and rCRS mitochondrial files "
            "(the same sequence as GRCh38 chrM)")


def _refusal(detected):
    return (f"This file is on {builds.HUMAN_NAMES.get(detected.build, detected.build)} "
            f"(from: {detected.evidence}). It was not annotated, because annotating it against "
            f"GRCh38 would give wrong genes and positions. {_supported_text()}. Lift the file "
            f"over to GRCh38 (for example with CrossMap or Picard LiftoverVcf) and submit it again.")


def _vep_alleles(ref, alts):
    """VEP's allele strings: drop the first base when REF and every ALT share it; '' -> '-'."""
    plain = [a for a in alts if a.isalpha()]
    if plain and all(a[0] == ref[0] for a in plain) and len(ref) > 0 and \
            any(len(a) != len(ref) for a in plain):
        return [(a[1:] or "-") if a.isalpha() else a for a in alts]
    return list(alts)


class _Annotator:
    """Per-file state: the index, the counts, the problems."""

    def __init__(self, idx, allowed_chroms):
        self.idx = idx
        self.allowed = allowed_chroms
        self.region_counts = Counter()
        self.pair_counts = Counter()
        self.alleles = 0

    def annotate(self, fields):
        """The INFO additions for one parsed data line, or raise LineError."""
        chrom = self.idx.chrom(fields[0])
        if chrom is None:
            raise LineError(f"CHROM '{fields[0][:40]}' is not a GRCh38 sequence name")
        if self.allowed is not None and chrom not in self.allowed:
            raise LineError(f"CHROM '{fields[0][:40]}' is not in the file's declared reference")
        pos0 = int(fields[1]) - 1
        ref = fields[3].upper()
        length = self.idx.lengths.get(chrom)
        if length is not None and pos0 + len(ref) > length:
            raise LineError(f"POS {fields[1]} is past the end of {chrom} ({length:,} bases in GRCh38)")
        alts = fields[4].upper().split(",")
        csq, genes, regions = [], [], []
        for alt, vep_allele in zip(alts, _vep_alleles(ref, alts)):
            if alt == ".":
                regions.append(".")
                continue
            s, e = allele_span(pos0, ref, alt)
            best = "intergenic"
            for t in self.idx.near(chrom, s, e if e > s else s + 1):
                region, exon, intron, dist = locate(t, s, e)
                if RANK[region] < RANK[best]:
                    best = region
                self.pair_counts[region] += 1
                if region not in ("upstream", "downstream") and t.gene not in genes:
                    genes.append(t.gene)
                so = SO_TERM[region]
                if region == "transcript" and t.biotype == "protein_coding":
                    so = "coding_transcript_variant"
                csq.append("|".join((
                    vep_allele, so, "MODIFIER", t.gene, t.gene_id, "Transcript", t.name,
                    t.biotype, exon, intron, dist, "1" if t.strand == 1 else "-1",
                    "YES" if t.mane else "", region)))
            if best == "intergenic":
                csq.append("|".join((vep_allele, "intergenic_variant", "MODIFIER", "", "", "", "",
                                     "", "", "", "", "", "", "intergenic")))
            regions.append(best)
            self.region_counts[best] += 1
            self.alleles += 1
        add = ["CSQ=" + ",".join(csq)] if csq else []
        if genes:
            add.append("GENE=" + ",".join(genes))
        add.append("REGION=" + ",".join(regions))
        band = self.idx.cytoband(chrom, pos0)
        if band:
            add.append("CYTOBAND=" + band)
        return ";".join(add)


def annotate_file(in_path, out_dir, progress=None, *, ref_dir=None):
    """Annotate one VCF; write <name>.annot.vcf and <name>.vcf.count.log into out_dir.

    Returns an AnnotationResult; raises NotAVcfError, UnsupportedBuildError or
    another AnnotationError with a message for the researcher (and .log_path).
    """
    in_path = str(in_path)
    name = output_name(in_path)
    os.makedirs(out_dir, exist_ok=True)
    annot_path = os.path.join(str(out_dir), name + ".annot.vcf")
    log_path = os.path.join(str(out_dir), name + ".vcf.count.log")
    label = os.path.basename(in_path)

    def fail(exc_type, message, detected=None, idx=None):
        report.write_log(log_path, name=label, status="FAILED", detected=detected, used_build=None,
                         gene_models=None, lines=0, variants=0, alleles=0, region_counts=None,
                         pair_counts=None, problems=[], message=message)
        raise exc_type(message, log_path=log_path)

    try:
        stream, raw = open_binary(in_path)
    except OSError as exc:
        raise AnnotationError(f"The input file {label} could not be opened ({exc.strerror}).") from None
    with raw:
        try:
            meta, chrom_line, lineno = read_header(stream, label)
        except NotAVcfError as exc:
            fail(NotAVcfError, str(exc))
        detected = builds.detect(meta)
        if detected.build not in DIRECT_BUILDS:
            fail(UnsupportedBuildError, _refusal(detected), detected)
        idx = gene_index.load(ref_dir)
        used = "GRCh38" + (" chrM (rCRS, NC_012920.1)" if detected.build == "rCRS" else "")
        ann = _Annotator(idx, {"MT"} if detected.build == "rCRS" else None)
        total = count_data_lines(in_path) if progress else 0
        step = max(1, total // 100)
        problems, n_problems, lines, variants = [], 0, 0, 0
        with open(annot_path, "w", encoding="utf-8", errors="surrogateescape", newline="") as out:
            out.writelines(meta)
            eol0 = split_eol(chrom_line)[1] or "\n"   # keep the file's own line ends
            out.writelines(line.rstrip("\n") + eol0 if eol0 == "\r\n" else line
                           for line in report.info_header_lines(VERSION))
            out.write(f'##anntools=<Version={VERSION},Build=GRCh38,InputBuild={detected.build},'
                      f'GeneModels="{idx.gene_models}">{eol0}')
            out.write(chrom_line)
            for raw_line in stream:
                lineno += 1
                line = raw_line.decode("utf-8", "surrogateescape")
                content, eol = split_eol(line)
                if not content.strip():
                    out.write(line)
                    continue
                if content.startswith("#"):
                    out.write(line)
                    continue
                lines += 1
                try:
                    fields = parse_fields(content)
                    add = ann.annotate(fields)
                except LineError as exc:
                    n_problems += 1
                    if len(problems) < MAX_LISTED_PROBLEMS:
                        problems.append((lineno, str(exc)))
                    if variants == 0 and n_problems >= NOT_VCF_AFTER:
                        out.close()
                        os.unlink(annot_path)
                        fail(NotAVcfError, f"{label} is not a readable VCF: its first "
                             f"{NOT_VCF_AFTER} data lines could not be read (line {problems[0][0]}: "
                             f"{problems[0][1]}). Upload a VCF file (version 3.3 to 4.4).", detected)
                    out.write(line)
                    continue
                info = fields[7]
                fields[7] = add if info in (".", "") else info + ";" + add
                out.write("\t".join(fields) + eol)
                variants += 1
                if progress and lines % step == 0:
                    progress(lines, max(total, lines))
        if progress:
            progress(lines, lines)
    if n_problems > len(problems):
        problems.append(("...", f"and {n_problems - len(problems)} more lines not listed"))
    summary = (f"Annotated {variants} variant{'s' if variants != 1 else ''} on GRCh38 "
               f"(input: {'rCRS mitochondrion' if detected.build == 'rCRS' else detected.build}"
               f"{'' if detected.declared else ', assumed: the file names no build'}); "
               f"{n_problems} line{'s' if n_problems != 1 else ''} could not be read.")
    report.write_log(log_path, name=label, status="COMPLETED", detected=detected, used_build=used,
                     gene_models=idx.gene_models, lines=lines, variants=variants,
                     alleles=ann.alleles, region_counts=ann.region_counts,
                     pair_counts=ann.pair_counts, problems=problems, n_problems=n_problems,
                     message=summary)
    return AnnotationResult(annot_path, log_path, variants, summary, "GRCh38", detected.build,
                            n_problems, dict(ann.region_counts))
