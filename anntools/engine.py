"""anntools engine: annotate every ALT allele of a VCF against GRCh38 gene models.

What it annotates, per ALT allele and each transcript within 5 kb: gene symbol
and id, transcript (MANE Select flagged), biotype, strand, Sequence Ontology
consequences with VEP's impact, exon/intron number n/N, HGVS c./p., codons
and amino acids (where the reference sequence is installed; the NOTE field
says where it is not), known variants (rsID, ClinVar); per site the cytoband.

Lookup order, per data line: CHROM -> GRCh38 sequence name (assembly aliases:
chr1, 1, NC_000001.11, chrM, MT), or through the liftover chain for GRCh37 and
NCBI36 input; POS -> the chromosome's bin index -> the transcripts whose span
+/- 5 kb overlaps; per transcript, bisect into its exons -> splice sites,
CDS/UTR or intron -> codons from the spliced sequence; (CHROM, POS, REF, ALT)
-> ClinVar; POS -> cytoband by bisect.

Coordinates: VCF POS is 1-based; everything inside is 0-based half-open
[start, end), so POS p is base p-1, and an insertion is an empty span.

It streams in chunks of CHUNK lines: a chunk is parsed, its plain SNVs and short indels
annotated at once where no exon is near (batch.py: numpy pairs each variant with its
transcripts and classifies the pairs), then its lines go out in order (and TSV rows), the
others annotated one by one (annotator.py), so memory does not grow with the file;
transcript models are built on first use and kept in a bounded cache. Lines that cannot be
read are left out of the output (which stays a valid VCF) and listed in the log with their
line numbers; a VCF 3.x or 4.0 header is declared VCF 4.2.
"""
import gc
import os
from contextlib import contextmanager
from itertools import islice
from dataclasses import dataclass, field

from . import builds, index as gene_index, liftover, report
from .annotator import Annotator
from .batch import ChunkBatch
from .config import chain_path, reference_dir
from .errors import AnnotationError, DamagedFileError, NotAVcfError, UnsupportedBuildError
from .vcfio import (READ_ERRORS, LineError, UnplacedLine, count_data_lines, damaged_message, lines_before_damage,
                    first_chrom, open_binary, parse_fields, read_header, split_eol, tidy_columns,
                    upgrade_header)

VERSION = "0.2"
MAX_LISTED_PROBLEMS = 1000   # in the log
JOB_PAGE_PROBLEMS = 10       # in the result, for the job page
# If this many data lines in a row from the start cannot be read, it is not a VCF.
NOT_VCF_AFTER = 50
# Builds the installed data annotates directly; rCRS is GRCh38's chrM (NC_012920.1).
DIRECT_BUILDS = ("GRCh38", "rCRS")
CHAINS = {"GRCh37": "hg19ToHg38.over.chain", "NCBI36": "hg18ToHg38.over.chain"}
MODES = ("all", "most_severe")
HEADER_IN_BODY = LineError("a header line among the variant lines (header lines, '##...' and "
                           "'#CHROM', come before the first variant)")
CHUNK = 2000   # lines read, classified and written together (memory stays flat)


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
    tsv_path: str = None           # <name>.annot.tsv, one row per ALT allele x transcript
    consequence_counts: dict = field(default_factory=dict)
    impact_counts: dict = field(default_factory=dict)
    problem_lines: list = field(default_factory=list)   # the first [(line number, reason)] left out


def output_name(in_path):
    base = os.path.basename(in_path)
    for suffix in (".gz", ".bgz", ".vcf"):
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    return base or "input"


def _supported_text(ref):
    lifted = [b for b, c in CHAINS.items() if chain_path(ref, c).exists()]
    more = f", and {' and '.join(lifted)} files lifted over to GRCh38" if lifted else ""
    return ("anntools annotates GRCh38 (hg38) files, rCRS mitochondrial files "
            f"(the same sequence as GRCh38 chrM){more}")


def _refusal(detected, ref):
    if detected.build in builds.NON_HUMAN:
        return (f"This file is on {builds.HUMAN_NAMES[detected.build]} (from: {detected.evidence}). "
                f"It was not annotated: anntools annotates human variants only. {_supported_text(ref)}.")
    return (f"This file is on {builds.HUMAN_NAMES.get(detected.build, detected.build)} "
            f"(from: {detected.evidence}). It was not annotated, because annotating it against "
            f"GRCh38 would give wrong genes and positions. {_supported_text(ref)}. Lift the file "
            f"over to GRCh38 (for example with CrossMap or Picard LiftoverVcf) and submit it again.")


def _lifter(detected, ref):
    """A liftover function for the detected build, or None when the file is GRCh38/rCRS."""
    chain = liftover.load(chain_path(ref, CHAINS[detected.build]))

    def lift(name, start, end):
        c = name[3:] if name.lower().startswith("chr") else name
        if detected.build == "GRCh37" and c == "MT":
            return "MT", start, end, False     # b37 MT is rCRS, GRCh38's chrM
        return chain.lift("MT" if c == "M" else c, start, end)
    return lift


@contextmanager
def _rare_collections(young=20_000):
    """Let the cyclic GC wait for more new objects: a chunk makes and drops hundreds of
    thousands of short-lived lists and tuples, and at the default threshold (700) each of
    thousands of collections also walks the annotator's caches. Cycles are still collected."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def annotate_file(in_path, out_dir, progress=None, *, ref_dir=None, mode="all", tsv=True,
                  gff=None, fasta=None, hgvs=True):
    """Annotate one VCF; write <name>.annot.vcf, <name>.annot.tsv and <name>.vcf.count.log.

    mode: "all" (every transcript) or "most_severe" (one per ALT allele).
    gff/fasta: annotate against a custom GFF3 or GTF (+ FASTA) instead of the installed GRCh38 data.
    Returns an AnnotationResult; raises NotAVcfError, UnsupportedBuildError or
    another AnnotationError with a message for the researcher (and .log_path).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    in_path = str(in_path)
    name = output_name(in_path)
    try:
        os.makedirs(out_dir, exist_ok=True)
        if not os.access(out_dir, os.W_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise AnnotationError(f"The output folder {out_dir} cannot be used ({exc.strerror or exc}); "
                              "name a folder you can write to.") from None
    annot_path = os.path.join(str(out_dir), name + ".annot.vcf")
    tsv_path = os.path.join(str(out_dir), name + ".annot.tsv")
    log_path = os.path.join(str(out_dir), name + ".vcf.count.log")
    label = os.path.basename(in_path)
    ref = reference_dir(ref_dir)

    def fail(exc_type, message, detected=None):
        report.write_log(log_path, name=label, status="FAILED", detected=detected, message=message)
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
        except READ_ERRORS as exc:   # a compressed file damaged within its first megabyte
            fail(DamagedFileError, damaged_message(label, exc, lines_before_damage(in_path)))
        lift, detected = None, builds.detect(meta)
        if gff:
            idx = gene_index.from_gff(gff, fasta)
            used = f"the given gene models {os.path.basename(str(gff))}"
            detected = None
        else:
            if detected.build not in DIRECT_BUILDS:
                if detected.build not in CHAINS or not chain_path(ref, CHAINS[detected.build]).exists():
                    fail(UnsupportedBuildError, _refusal(detected, ref), detected)
                lift = _lifter(detected, ref)
            idx = gene_index.load(ref_dir)
            used = "GRCh38" + (" chrM (rCRS, NC_012920.1)" if detected.build == "rCRS" else "") + \
                (f", lifted over from {detected.build} with {CHAINS[detected.build]}" if lift else "")
        lengths = None
        if gff:
            # a custom FASTA may hold only a region of each chromosome: the file's own
            # ##contig lengths then say where the chromosome ends (REF past the FASTA is unchecked)
            declared = builds.contig_lengths(meta)
            lengths = dict(idx.lengths)
            for contig, length in declared.items():
                chrom = idx.chrom(contig)
                if chrom in lengths and length > lengths[chrom]:
                    lengths[chrom] = length
        ann = Annotator(idx, {"MT"} if detected and detected.build == "rCRS" else None, mode, lift,
                        hgvs, lengths)
        total = count_data_lines(in_path) if progress else 0
        step = max(1, total // 100)
        problems, n_problems, n_unplaced, lines, variants = [], 0, 0, 0, 0
        tidied, n_tidied = [], 0   # values rewritten so that VCF readers take them
        rows = [] if tsv else None
        eol0 = split_eol(chrom_line)[1] or "\n"   # keep the file's own line ends
        with open(annot_path, "w", encoding="utf-8", errors="surrogateescape", newline="") as out, \
                (open(tsv_path, "w", encoding="utf-8", errors="surrogateescape", newline="")
                 if tsv else open(os.devnull, "w")) as tsv_fh, _rare_collections():
            if tsv:
                tsv_fh.write(report.tsv_header(lifted=bool(lift)))
            header, old_format = upgrade_header(meta)
            header = report.rename_input_declarations(header)
            vcf3 = bool(old_format) and "VCFv3" in old_format
            out.writelines(header)
            if detected:
                out.writelines(builds.contig_header_lines(detected.build, meta, first_chrom(stream), eol0))
            if old_format:
                out.write(f'##anntools_input_fileformat="{old_format[2:]}: header lines rewritten '
                          f'as VCF 4.2"{eol0}')
            out.writelines(h + eol0 for h in report.info_header_lines(VERSION, detected.build if lift else None))
            out.write(f'##anntools_unreadable_lines="Data lines that could not be read are left out '
                      f'of this file; {name}.vcf.count.log lists each with its line number and '
                      f'the reason"{eol0}')
            out.write(f'##anntools=<Version={VERSION},Build=GRCh38,'
                      f'InputBuild={detected.build if detected else "custom"},Mode={mode},'
                      f'GeneModels="{idx.gene_models}">{eol0}')
            out.write(chrom_line)
            # Lines are read in chunks of CHUNK: decoded and parsed first, then the plain SNVs
            # and indels of the chunk annotated at once (batch.py), then each line is written
            # in order, the others annotated one by one; one write per chunk and file.
            annotate, batch = ann.annotate, ChunkBatch(ann)
            lines_iter, damaged = iter(stream), None
            while True:
                try:
                    chunk = list(islice(lines_iter, CHUNK))
                except READ_ERRORS as exc:
                    damaged = exc
                    break
                if not chunk:
                    break
                # pass 1: parse; items are (content, line end, fields or None, error or None)
                items, records = [], []
                joined = b"".join(chunk).decode("utf-8", "surrogateescape")
                crlf = "\r" in joined   # looked for once per chunk, not on every line
                text = joined.split("\n")
                ends = ["\n"] * (len(text) - 1) + [""]   # the file's last line may have none
                for content, eol in zip(text, ends):
                    if crlf and content[-1:] == "\r" and eol:
                        content, eol = content[:-1], "\r\n"
                    if not content or content.isspace():
                        items.append((content, eol, None, None))   # a blank line: dropped
                        continue
                    if content[0] == "#":
                        items.append((content, eol, None, HEADER_IN_BODY))
                        continue
                    try:
                        fields = parse_fields(content)
                    except LineError as exc:
                        items.append((content, eol, None, exc))
                        continue
                    items.append((content, eol, fields, None))
                    records.append(fields)
                if text[-1] == "":
                    items.pop()   # after the last line end
                done = iter(batch.annotate(records))
                # pass 2: in file order, as one line at a time would
                buf, tsv_heads, tsv_entries, tsv_counts = [], [], [], []
                for content, eol, fields, error in items:
                    lineno += 1
                    if fields is None and error is None:
                        continue
                    lines += 1
                    try:
                        if error is not None:
                            raise error
                        hit = next(done)
                        if hit is None:
                            add, entries = annotate(fields, rows), rows
                        else:
                            add, entries = hit
                    except LineError as exc:
                        n_problems += 1
                        n_unplaced += isinstance(exc, UnplacedLine)
                        if len(problems) < MAX_LISTED_PROBLEMS:
                            problems.append((lineno, str(exc)))
                        if variants == 0 and n_problems >= NOT_VCF_AFTER:
                            out.close()
                            os.unlink(annot_path)
                            fail(NotAVcfError, f"{label} is not a readable VCF: its first "
                                 f"{NOT_VCF_AFTER} data lines could not be read (line {problems[0][0]}: "
                                 f"{problems[0][1]}). Use a VCF file (version 3.3 to 4.4).", detected)
                        continue   # left out: the output stays a valid VCF; the log lists it
                    info = fields[7]
                    fields[7] = add if info in (".", "") else report.rename_input_keys(info) + ";" + add
                    if (fields[5] != "." and not fields[5].isdigit()) or not fields[6] or \
                            not fields[2] or vcf3:
                        change = tidy_columns(fields, vcf3)
                        if change:
                            n_tidied += 1
                            if len(tidied) < MAX_LISTED_PROBLEMS:
                                tidied.append((lineno, change))
                    buf += "\t".join(fields), eol
                    if tsv and entries:
                        tsv_heads.append(report.tsv_head(fields, add) if lift else   # inlined: per line
                                         "\t".join(fields[:5]) + "\t")
                        tsv_entries += entries
                        tsv_counts.append(len(entries))
                        rows.clear()
                    variants += 1
                    if progress and lines % step == 0:
                        progress(lines, max(total, lines))
                out.write("".join(buf))
                if tsv_heads:
                    tsv_fh.write(report.tsv_rows(tsv_heads, tsv_entries, tsv_counts))
        if damaged is not None:
            for path in (annot_path, tsv_path):
                if os.path.exists(path):
                    os.unlink(path)
            # where it broke: counted again only now, so reading a sound file costs nothing more
            fail(DamagedFileError, damaged_message(label, damaged, lines_before_damage(in_path)), detected)
        if progress:
            progress(lines, lines)
    if not tsv and os.path.exists(tsv_path):
        os.unlink(tsv_path)
    first_problems = problems[:JOB_PAGE_PROBLEMS]
    if n_problems > len(problems):
        problems.append(("...", f"and {n_problems - len(problems)} more lines not listed"))
    build_text = "custom gene models" if detected is None else \
        ("rCRS mitochondrion" if detected.build == "rCRS" else
         detected.build + (", lifted over" if lift else ""))
    unreadable = n_problems - n_unplaced
    summary = (f"Annotated {variants} variant{'s' if variants != 1 else ''} on GRCh38 "
               f"(input: {build_text}"
               f"{'' if detected is None or detected.declared else ', assumed: ' + detected.evidence}); "
               + (f"{n_unplaced} line{'s' if n_unplaced != 1 else ''} had no place on GRCh38 "
                  "(liftover chain gaps); " if n_unplaced else "")
               + f"{unreadable} line{'s' if unreadable != 1 else ''} could not be read."
               + (" The file has no variant lines." if lines == 0 else ""))
    if ann.unsequenced:
        n = ann.unsequenced
        summary += (f" {n} ALT allele{'s' if n != 1 else ''} in coding sequence "
                    f"{'are' if n != 1 else 'is'} shown as coding_sequence_variant (impact MODIFIER): "
                    "no genome sequence is installed for that chromosome, so codons and protein "
                    "changes were not computed.")
    if gff:
        summary = summary.replace("on GRCh38 ", "")
    seq_chroms = sorted(c for c in idx.lengths if idx.seq.has(c))
    sequence = ("installed for " + (", ".join(seq_chroms[:5]) + ("..." if len(seq_chroms) > 5 else ""))
                + "; elsewhere codons, amino acids and 3' shifting are not computed (see NOTE)"
                if seq_chroms else "not installed: codons, amino acids and 3' shifting not computed")
    counts = {"lines": lines, "variants": variants, "alleles": ann.alleles, "known": ann.known,
              "regions": ann.region_counts, "consequences": ann.csq_counts,
              "impacts": ann.impact_counts}
    report.write_log(log_path, name=label, status="COMPLETED", detected=detected, used_build=used,
                     gene_models=idx.gene_models, sequence=sequence,
                     known_source=idx.clinvar_source or None, counts=counts, problems=problems,
                     tidied=tidied, n_tidied=n_tidied,
                     n_problems=n_problems, n_unplaced=n_unplaced, message=summary)
    return AnnotationResult(annot_path, log_path, variants, summary, "GRCh38",
                            detected.build if detected else "custom", n_problems,
                            dict(ann.region_counts), tsv_path if tsv else None,
                            dict(ann.csq_counts), dict(ann.impact_counts), first_problems)
