"""A source module that has not got `yearly_figures` yet (the rollup must skip it)."""
