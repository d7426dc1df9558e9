"""A survey's results as CSV: one row per question and place (the city, then each ward),
and one per choice of a choice question; suppressed cells empty with ``suppressed`` 1."""

import csv
import io

COLUMNS = [
    "question_id",
    "question_order",
    "question_kind",
    "question_text",
    "ward_code",
    "ward_name",
    "answered",
    "mean",
    "choice_code",
    "choice_label",
    "count",
    "share",
    "suppressed",
]


def _cell(value: object) -> object:
    return "" if value is None else value


def results_csv(results: dict) -> str:
    """The CSV text of a results document (``surveys.results.results_json``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for question in results["questions"]:
        head = [question["id"], question["order"], question["kind"], question["text"]]
        places = [(None, question["overall"])]
        places += [(row["ward"], row) for row in question["wards"]]
        for ward, group in places:
            where = [ward["code"], ward["name"]] if ward else ["", ""]
            if ward is None and group is not question["overall"]:
                where = ["-", ""]  # answers given outside every ward
            answered = [_cell(group["answered"]), _cell(group.get("mean"))]
            writer.writerow([*head, *where, *answered, "", "", "", "", int(group["suppressed"])])
            for choice in group.get("choices", []):
                writer.writerow(
                    [
                        *head,
                        *where,
                        *answered,
                        choice["code"],
                        choice["label"],
                        _cell(choice["count"]),
                        _cell(choice["share"]),
                        int(choice["suppressed"]),
                    ]
                )
    return out.getvalue()
