"""Every attribute name an instance of a torch.nn module may have (torch 2.13.0): its
class's and its bases' names, object's, and what their source sets on self or registers by a
literal name, and the literal heads of the names they compute.

getattr(layer, name, default) and hasattr(layer, name) are decided from it: a name outside it
is absent from every layer torch builds (transformers' post_init asks each child for
`_keep_in_fp32_modules`). Written by tests/make_torch_attribute_names.py; a test checks it
against real instances, so a torch that adds a name fails that test, not the analysis.
"""
NAMES = frozenset("""
    T_destination __add__ __annotations__ __call__ __class__ __class_getitem__ __constants__
    __contains__ __delattr__ __delitem__ __deprecated__ __dict__ __dir__ __doc__ __eq__ __format__
    __ge__ __getattr__ __getattribute__ __getitem__ __getstate__ __gt__ __hash__ __iadd__ __imul__
    __init__ __init_subclass__ __ior__ __iter__ __jit_unused_properties__ __le__ __len__ __lt__
    __module__ __mul__ __ne__ __new__ __or__ __orig_bases__ __parameters__ __reduce__ __reduce_ex__
    __repr__ __reversed__ __rmul__ __ror__ __setattr__ __setitem__ __setstate__ __sizeof__
    __slots__ __str__ __subclasshook__ __weakref__ _all_weights _apply _apply_instance_norm
    _backward_hooks _backward_pre_hooks _buffers _call_impl _check_input_dim
    _check_non_zero_input_channels _compiled_call_impl _conv_forward _ff_block
    _fill_padding_idx_with_zero _flat_weight_refs _flat_weights _flat_weights_names _forward_hooks
    _forward_hooks_always_called _forward_hooks_with_kwargs _forward_pre_hooks
    _forward_pre_hooks_with_kwargs _get_abs_string_index _get_backward_hooks
    _get_backward_pre_hooks _get_full_log_prob _get_in_channels _get_item_by_idx _get_name
    _get_no_batch_dim _get_num_spatial_dims _handle_no_batch_input _infer_parameters
    _init_flat_weights _initialize_hook _is_full_backward_hook _is_protocol _key_to_attr _keys
    _lazy_load_hook _load_from_state_dict _load_hook _load_state_dict_post_hooks
    _load_state_dict_pre_hooks _maybe_warn_non_full_backward_hook _mha_block _modules
    _named_members _non_persistent_buffers_set _output_padding _parameters _qkv_same_embed_dim
    _random_samples _register_load_state_dict_pre_hook _register_state_dict_hook
    _replicate_for_data_parallel _require_tuple_int _reset_parameters
    _reversed_padding_repeated_twice _sa_block _save_to_state_dict _size _slow_forward
    _state_dict_hooks _state_dict_pre_hooks _update_flat_weights _version _weights_have_changed
    _wrapped_call_impl activation activation_relu_or_gelu add_module add_zero_attn affine
    align_corners all_weights alpha append apply approximate batch_first beta bfloat16 bias bias_hh
    bias_ih bias_k bias_v bidirectional blank buffers call_super_init ceil_mode check_forward_args
    check_hidden_size check_input children clear cls_to_become compile convert_sync_batchnorm copy
    count_include_pad cpu cuda cutoffs d_model decoder delta device_ids dilation dim
    distance_function div_value divisor_override double downscale_factor dropout dropout1 dropout2
    dropout3 dump_patches elementwise_affine embed_dim embedding_dim enable_nested_tensor encoder
    end_dim eps eval extend extra_repr flatten_parameters float forward from_pretrained fromkeys
    full gather generate_square_subsequent_mask get get_buffer get_expected_cell_size
    get_expected_hidden_size get_extra_state get_parameter get_submodule groups half
    has_uninitialized_params head head_bias head_dim head_size hidden_size ignore_index
    in1_features in2_features in_channels in_features in_proj_bias in_proj_weight
    include_last_offset init initialize_parameters inplace input_size insert ipu items k
    k_proj_weight kdim keepdim kernel_size keys label_smoothing lambd layers linear linear1 linear2
    load_state_dict log_input log_prob log_target lower margin mask_check max_norm max_val
    merge_masks min_val mode module modules momentum mtia multihead_attn n_classes n_clusters name
    named_buffers named_children named_modules named_parameters negative_slope nhead nonlinearity
    norm norm1 norm2 norm3 norm_first norm_type normalized_shape num_batches_tracked num_channels
    num_classes num_embeddings num_features num_groups num_heads num_layers num_parameters options
    out_channels out_features out_proj output_device output_padding output_ratio output_size p
    padding padding_idx padding_mode parallel_apply parameters permute_hidden pop popitem
    pos_weight predict process_group proj_size q_proj_weight recompute_scale_factor reduction
    register_backward_hook register_buffer register_forward_hook register_forward_pre_hook
    register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook
    register_load_state_dict_pre_hook register_module register_parameter
    register_state_dict_post_hook register_state_dict_pre_hook replicate requires_grad_
    reset_parameters reset_running_stats return_indices running_mean running_var scale_factor
    scale_grad_by_freq scatter self_attn set_extra_state set_submodule setdefault share_memory
    shortlist_size size sparse src_device_obj start_dim state_dict stride swap tail threshold to
    to_empty track_running_stats train training transposed type unflattened_size update upper
    upscale_factor use_nested_tensor v_proj_weight value values vdim weight weight_hh weight_ih xpu
    zero_grad zero_infinity
""".split())
# The literal heads of names a class computes before registering them (f"weight_ih_l{layer}").
PREFIXES = ('bias_hh_l', 'bias_ih_l', 'weight_hh_l', 'weight_hr_l', 'weight_ih_l')


def may_have(name: str) -> bool:
    """Whether some torch.nn module instance may have an attribute of this name."""
    return name in NAMES or name.startswith(PREFIXES)
