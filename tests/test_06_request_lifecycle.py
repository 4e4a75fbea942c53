"""Lesson 06: the page's sequence diagram is the order Flask really calls the hooks in."""

import re

import lessons

EXAMPLE = "06_request_lifecycle"


def diagram_steps() -> list[str]:
    """The Flask-to-Flask arrows of the page's one mermaid diagram, in order."""
    page = lessons.read_page(lessons.page_for(EXAMPLE))
    (diagram,) = [b for b in page.blocks if b.lang == "mermaid"]
    return re.findall(r"^\s*F->>F: (\w+)\s*$", diagram.text, re.MULTILINE)


def test_the_diagram_is_the_recorded_order():
    module = lessons.import_example(EXAMPLE)
    status, calls = module.trace(module.create_app(), "/hello")
    assert status == "200 OK"
    assert diagram_steps() == [call.split()[0] for call in calls]


def test_a_wrong_diagram_would_fail():
    """Swapping two arrows breaks the equality above (so its pass means something)."""
    steps = diagram_steps()
    steps[2], steps[3] = steps[3], steps[2]
    module = lessons.import_example(EXAMPLE)
    calls = module.trace(module.create_app(), "/hello")[1]
    assert steps != [call.split()[0] for call in calls]
