"""Turn YAML roles and emergency procedures into a bilingual operations handbook.

The data flows one way; each step is a module:

    yaml_reader  strict YAML → plain data + the position of every value
    model        the typed model (pydantic): what a file may say
    loading      a handbook root → Handbook, with findings for what does not fit
    escalation   reporting chains and escalation paths
    checks       the rules across files (references, cycles, escalation, languages)
    pipeline     load + check, shared by every command
    pages        Handbook → Markdown pages per language (Jinja2 templates)
    site         pages → MkDocs (one build per language) → site/, swapped in atomically
    pdf          Handbook → role sheets, procedure cards, checklists (WeasyPrint)
    diff         what a change does to duties, escalation and authorities
    skeleton     `handbook new`: a valid file to fill in
    importing    `handbook import`: Word / text job descriptions → role files (before the pipeline)
    export       `handbook export`: Handbook → Word role sheets, Excel matrix and responsibilities
    schema       JSON Schema files for editors
    cli          the `handbook` command
"""
