from voicecoach.launch import main

main()
