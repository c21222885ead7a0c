// The ml-lifecycle command line; see docs/cli.md.
process.exitCode = 0;
