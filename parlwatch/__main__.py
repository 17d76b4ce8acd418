from parlwatch.cli import main

main()
