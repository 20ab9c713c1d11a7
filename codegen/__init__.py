"""The gatewise code generator: openapi.yaml -> src/gatewise/_generated/.

Run it as `python -m codegen` (see codegen/README.md for the pipeline, the
`x-gatewise` extension and the shape of the generated code).
"""
