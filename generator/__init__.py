"""Turn YAML roles and emergency procedures into a bilingual operations handbook.

The data flows one way; each step is a module:

    yaml_reader  strict YAML → plain data + the position of every value
                 (yaml_walk: the fast path for ordinary files; yaml_values: the rules both paths share;
                 input_slips: syntax errors typed with a Chinese input method)
    model        the typed model (pydantic): what a file may say
    loading      a handbook root → Handbook, with findings for what does not fit
    explain      pydantic's refusals → findings a maintainer can act on (for loading)
    escalation   reporting chains and escalation paths
    checks       the rules across files (references, cycles, escalation, languages)
    readiness    the rules that make a procedure usable in the minute it is needed (contacts, numbers)
    config_reader, docs_inputs, site_inputs
                 mkdocs.yml and docs/ read as data (allow-lists, no links out, no code), for check and build
    pipeline     load + check, shared by every command
    contacts     the contact book and properties: the Handbook resolved for one property
    pages        Handbook → Markdown pages per language (Jinja2 templates)
    search       the staff search index per language (a MkDocs plugin; chunked, works from file://)
    outputs      where a command may write (never the data; marker file on every output folder)
    site         pages → MkDocs (one build per language) → site/, swapped in atomically
    pdf          Handbook → role sheets, checklists, procedure cards, booklets, packs (WeasyPrint)
    diff         what a change does to duties, escalation and authorities
    skeleton     `handbook new`: a valid file to fill in
    importing    `handbook import`: Word / text job descriptions → role files (before the pipeline)
    export       `handbook export`: Handbook → Word role sheets, Excel matrix and responsibilities
    schema       JSON Schema files for editors
    cli          the `handbook` command
"""
