"""What the office hands out: the report site's pages and the folder writer."""
