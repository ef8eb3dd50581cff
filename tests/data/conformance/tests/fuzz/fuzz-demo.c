/* B15: fuzz targets are not scanned. */
static void
test_fuzz(void **state)
{
}
