from parlwatch.cli import console

console()
