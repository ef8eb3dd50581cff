#!/bin/sh
# A shell suite is one test: B12 counts for the file.
echo "B13 (parser): rule expansion only"
