"""The PDF needs Pango, a system library. Where it is missing a test skips with the command
that installs it; under CI (CI=true, where .ci/run installs it) that is a failure instead."""

import os

import pytest

from reports import pdf_report


def require_pdf_libraries():
    try:
        pdf_report._weasyprint()
    except pdf_report.PdfUnavailable as exc:
        message = f"WeasyPrint cannot draw here ({exc}): apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
