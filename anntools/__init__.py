"""anntools: the GAS annotation engine. VCF in, annotated VCF and a count log out.

    from anntools import annotate_file
    result = annotate_file("in.vcf", "out/")   # -> result.annot_path, .log_path, .variants, .summary
"""
from .engine import VERSION as __version__, AnnotationResult, annotate_file
from .errors import AnnotationError, DamagedFileError, NotAVcfError, UnsupportedBuildError
from .report import tsv_from_annotated_vcf

__all__ = ["annotate_file", "AnnotationResult", "AnnotationError", "NotAVcfError",
           "UnsupportedBuildError", "DamagedFileError", "tsv_from_annotated_vcf", "__version__"]
