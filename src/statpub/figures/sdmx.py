"""How the observations table of the figures model maps to SDMX, out of the box.

The model is SDMX-shaped already: indicator, reference area and time period
identify an observation, the value is its measure, and the observation status,
unit, bounds and note are attributes under the SDMX cross-domain concept ids
(``OBS_STATUS``, ``UNIT_MEASURE``, ``COMMENT``; ``LOWER_BOUND``/``UPPER_BOUND``
name the interval the source's wording implies). ``statpub export sdmx`` reads
it (docs/sdmx.md); a tables project states its own mapping per table.
"""

from __future__ import annotations

from typing import Any

SDMX_DEFAULTS: dict[str, dict[str, Any]] = {
    "observations": {
        "indicator_id": {"role": "dimension", "id": "INDICATOR"},
        "ref_area": {"role": "dimension", "id": "REF_AREA"},
        "time_period": {"role": "time", "id": "TIME_PERIOD"},
        "value": {"role": "measure", "id": "OBS_VALUE"},
        "unit": {"role": "attribute", "id": "UNIT_MEASURE"},
        "obs_status": {"role": "attribute", "id": "OBS_STATUS"},
        "lower_bound": {"role": "attribute", "id": "LOWER_BOUND"},
        "upper_bound": {"role": "attribute", "id": "UPPER_BOUND"},
        "note": {"role": "attribute", "id": "COMMENT"},
    }
}
