from kefu_cli.cli import main

main()
