"""Patent navigation (专利导航): a thematic patent database built from real exports.

models.py      patents, their ordered applicants, classification codes, links to technologies
               and the applicant alias table that ties applicant names to organizations
numbers.py     publication numbers, IPC/CPC codes, dates and names in one normalized form
legal_status.py  the closed list of legal statuses and the export wordings that map onto it
formats.py     export formats as column mappings (CNIPA/incoPat, Patentics, PatSnap, Lens, Google)
rows.py        one export row -> a validated patent record, or the reasons it is rejected
green.py       green topics from the IPC Green Inventory (seed_data/patents/)
links.py       technology links and applicant aliases (suggested, confirmed by a broker)
forms.py       the import form; api.py /api/v1/patents
service.py     import (all or nothing, merges, progress callback), links, aliases
landscape.py   counts for navigation: by year, applicant, IPC group, status, region
charts.py      server-side SVG bar charts of those counts (no script needed)
similar.py     patents nearest a technology or need by meaning (the search index's vectors)
export.py      CSV export of a patent selection, formula-guarded
views.py       list, search, detail, landscape and export pages (blueprint `patents`)
commands.py    `flask --app wsgi patents import FILE | seed | link | retag`
access.py      who may use patent navigation; query.py the filters every page and API shares
"""

from flask import Blueprint

bp = Blueprint("patents", __name__, url_prefix="/patents")

from portal.patents import views  # noqa: E402,F401  (routes register on import)
