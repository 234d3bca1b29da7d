"""Table Schema <-> Arrow mapping and the CSV and Parquet files written from it."""
