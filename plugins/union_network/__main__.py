from union_network.cli.commands import main

if __name__ == "__main__":  # worker processes (forkserver) import the main module again
    main()
