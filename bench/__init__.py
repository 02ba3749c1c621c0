"""`make bench`: the speed of the click path, the store, the tutor's runs, memory and start.

Each benchmark measures ours against a fixed baseline in the same run and returns rows for
one table (bench.table). Correctness checks inside a benchmark raise BenchFailed, which fails
`make bench`; speed goals are reported beside the numbers, never asserted.
"""
