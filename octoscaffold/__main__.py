from octoscaffold.cli import main

main()
