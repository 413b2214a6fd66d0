"""A QR code of the join link, drawn with half blocks so it fits a terminal screen."""

from __future__ import annotations

import segno


def qr_text(url: str) -> str:
    """Two QR rows per text line; dark modules drawn as blocks on a light quiet zone."""
    qr = segno.make(url, error="l", boost_error=False)
    rows = [[bool(cell) for cell in row] for row in qr.matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(False, False): "█", (True, False): "▄", (False, True): "▀", (True, True): " "}
    return "\n".join(
        "".join(glyph[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1], strict=True))
        for i in range(0, len(rows), 2)
    )
