
# Names from labd where a verb takes one: a module name for the modules verbs, an app name for the apps verbs,
# NAME/VERSION for 'repo remove'. They are asked of the same labctl that is being completed (its context and
# credentials), quietly and within 5 seconds (LABCTL_COMPLETION_TIMEOUT); everything else (verbs, options) is the
# picocli completion above. The options listed below take a value: the word after one is not a verb or a name.
function _labctl_complete() {
  local cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]} i word value=0
  local -a verbs=()
  # the words before the cursor that are neither options nor option values
  for ((i = 1; i < cword; i++)); do
    word=${COMP_WORDS[i]}
    case $word in
      --context|--config|-l|--selector|--set|-f|--values|--batch|--max-failures|-o|--output|--env|--version|--to|\
      --cluster)
        i=$((i + 1))
        [[ $i -eq $cword ]] && value=1
        ;;
      -*) ;;
      *) verbs+=("$word") ;;
    esac
  done
  local list=""
  if [[ $value -eq 0 && $cur != -* && ${#verbs[@]} -eq 2 ]]; then
    case "${verbs[0]} ${verbs[1]}" in
      "modules apply"|"modules status"|"modules history"|"modules rollback"|"modules remove"|\
      "module apply"|"module status"|"module history"|"module rollback"|"module remove")
        list="modules list -o name" ;;
      "apps install"|"apps status"|"apps upgrade"|"apps history"|"apps rollback"|"apps uninstall"|\
      "app install"|"app status"|"app upgrade"|"app history"|"app rollback"|"app uninstall")
        list="apps list -o name" ;;
      "repo remove"|"repo rm")
        list="repo list -o name" ;;
    esac
  fi
  if [[ -z $list ]]; then
    _complete_labctl "$@"
    return
  fi
  type compopt &>/dev/null && compopt +o default
  local names
  names=$(timeout "${LABCTL_COMPLETION_TIMEOUT:-5}" "${COMP_WORDS[0]}" $list 2>/dev/null)
  local IFS=$'\n'
  COMPREPLY=( $(compgen -W "$names" -- "$cur") )
}

complete -F _labctl_complete -o default labctl labctl.sh labctl.bash
