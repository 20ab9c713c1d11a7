"""The public API check: the API of `gatewise` as data, compared with the last release.

`python -m apicheck snapshot` records the API (every public name, signature, parameter,
model field and Literal value) in `api/gatewise.json`; `check` compares the tree with it and
fails on a breaking change the version and the changelog do not declare; `diff` prints the
same report without failing. griffe reads the code statically, nothing is imported.
"""
