from nmx.cli import main

main()
