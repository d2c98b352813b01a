"""Turn YAML roles and emergency procedures into a bilingual operations handbook.

The data flows one way; each step is a module:

    yaml_reader  strict YAML → plain data + the position of every value
                 (yaml_walk: the fast path for ordinary files; yaml_values: the rules both paths share;
                 input_slips: syntax errors typed with a Chinese input method)
    model        the typed model (pydantic): what a file may say
    loading      a handbook root → Handbook, with findings for what does not fit
    explain      pydantic's refusals → findings a maintainer can act on (for loading)
    escalation   reporting chains and escalation paths
    checks       the rules across files, run in order:
                 checks_identity (ids, references), checks_organisation (reporting lines, escalation paths),
                 checks_content (written, both languages, glossary words) over checks_texts (every text),
                 checks_document (base URL, dates)
    readiness    the rules that make a procedure usable in the minute it is needed (contacts, numbers)
    config_reader, docs_inputs, site_inputs
                 mkdocs.yml and docs/ read as data (allow-lists, no links out, no code), for check and build
    pipeline     load + check, shared by every command
    contacts     the contact book and properties: the Handbook resolved for one property
    catalogue    the handbook's own words (labels.yml), time phrases and the order of roles and
                 procedures, for site, PDF, exports, checks and diff alike
    escaping     text from data made inert where it lands: Markdown, HTML, the diff report, a terminal
    pages        Handbook → Markdown pages per language (Jinja2 templates); navigation: the MkDocs nav;
                 page_urls: where a page lands and how pages link each other (relative, any sub-path)
    search       the staff search index per language (a MkDocs plugin; chunked, works from file://):
                 search_records (what is found, from the model), search_terms (jieba, English stemmer),
                 search_index (the files: weights, buckets, shards)
    outputs      where a command may write (never the data; marker file on every output folder)
    site_config  the MkDocs configuration of each language, from mkdocs.yml + the packaged defaults
    site_mkdocs  one language's strict MkDocs build; what MkDocs warns about, as findings
    site_workers both languages at once, one worker process each (ProcessPoolExecutor)
    site_build   pages → docs folders → MkDocs → site/, swapped in atomically (`handbook build`)
    site_live    serve's site: a full build, then incremental rebuilds of the pages that changed
    serve        `handbook serve` on MkDocs' live-reload server (site.py re-exports these modules)
    pdf          Handbook → role sheets, checklists, procedure cards, booklets, packs (WeasyPrint)
    diff         what a change does to duties, escalation and authorities (diff_revision reads the
                 revision from git, diff_match pairs both sides, diff_changes and diff_report word it)
    skeleton     `handbook new`: a valid file to fill in
    importing    `handbook import`: Word / text job descriptions → role files (before the pipeline)
    export       `handbook export`: Handbook → Word role sheets, Excel matrix and responsibilities
    schema       JSON Schema files for editors
    cli          the `handbook` command
"""
