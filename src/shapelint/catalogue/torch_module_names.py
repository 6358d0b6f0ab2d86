"""The names dir() gives for torch modules that model code probes (torch 2.13.0).

`name in dir(torch.nn.functional)` and `hasattr(torch.nn, name)` are True for a name listed
here (the torch whose semantics the catalogue follows); a name not listed is unknown (another
torch may have it).
Written by tests/make_torch_module_names.py; a test checks it against the installed torch.
"""
NAMES = {
    "torch.nn": frozenset("""
        AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveLogSoftmaxWithLoss
        AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d AlphaDropout AvgPool1d AvgPool2d
        AvgPool3d BCELoss BCEWithLogitsLoss BatchNorm1d BatchNorm2d BatchNorm3d Bilinear Buffer
        CELU CTCLoss ChannelShuffle CircularPad1d CircularPad2d CircularPad3d ConstantPad1d
        ConstantPad2d ConstantPad3d Container Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d
        ConvTranspose3d CosineEmbeddingLoss CosineSimilarity CrossEntropyLoss CrossMapLRN2d
        DataParallel Dropout Dropout1d Dropout2d Dropout3d ELU Embedding EmbeddingBag
        FeatureAlphaDropout Flatten Fold FractionalMaxPool2d FractionalMaxPool3d GELU GLU GRU
        GRUCell GaussianNLLLoss GroupNorm Hardshrink Hardsigmoid Hardswish Hardtanh
        HingeEmbeddingLoss HuberLoss Identity InstanceNorm1d InstanceNorm2d InstanceNorm3d
        KLDivLoss L1Loss LPPool1d LPPool2d LPPool3d LSTM LSTMCell LayerNorm LazyBatchNorm1d
        LazyBatchNorm2d LazyBatchNorm3d LazyConv1d LazyConv2d LazyConv3d LazyConvTranspose1d
        LazyConvTranspose2d LazyConvTranspose3d LazyInstanceNorm1d LazyInstanceNorm2d
        LazyInstanceNorm3d LazyLinear LeakyReLU Linear LinearCrossEntropyLoss
        LinearCrossEntropyOptions LocalResponseNorm LogSigmoid LogSoftmax MSELoss MarginRankingLoss
        MaxPool1d MaxPool2d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d Mish Module ModuleDict
        ModuleList MultiLabelMarginLoss MultiLabelSoftMarginLoss MultiMarginLoss MultiheadAttention
        NLLLoss NLLLoss2d PReLU PairwiseDistance Parameter ParameterDict ParameterList PixelShuffle
        PixelUnshuffle PoissonNLLLoss RMSNorm RNN RNNBase RNNCell RNNCellBase RReLU ReLU ReLU6
        ReflectionPad1d ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d
        ReplicationPad3d SELU Sequential SiLU Sigmoid SmoothL1Loss SoftMarginLoss Softmax Softmax2d
        Softmin Softplus Softshrink Softsign SyncBatchNorm Tanh Tanhshrink Threshold Transformer
        TransformerDecoder TransformerDecoderLayer TransformerEncoder TransformerEncoderLayer
        TripletMarginLoss TripletMarginWithDistanceLoss Unflatten Unfold UninitializedBuffer
        UninitializedParameter Upsample UpsamplingBilinear2d UpsamplingNearest2d ZeroPad1d
        ZeroPad2d ZeroPad3d __builtins__ __cached__ __doc__ __file__ __loader__ __name__
        __package__ __path__ __spec__ _reduction attention common_types factory_kwargs functional
        grad init intrinsic modules parallel parameter qat quantizable quantized utils
    """.split()),
    "torch.nn.functional": frozenset("""
        BroadcastingList1 BroadcastingList2 BroadcastingList3 Callable DType
        GRID_SAMPLE_INTERPOLATION_MODES GRID_SAMPLE_PADDING_MODES Optional ScalingType SwizzleType
        TYPE_CHECKING Tensor _Any _Reduction _VF __builtins__ __cached__ __doc__ __file__
        __loader__ __name__ __package__ __spec__ _adaptive_max_pool1d _adaptive_max_pool2d
        _adaptive_max_pool3d _add_docstr _canonical_mask _check_key_padding_mask
        _check_unpool_output_size _enum_list_as_int_list _expand_single_value
        _fractional_max_pool2d _fractional_max_pool3d _get_softmax_dim _in_projection
        _in_projection_packed _is_integer _jit_unused _list_or_empty _list_with_default _max_pool1d
        _max_pool2d _max_pool3d _mha_shape_check _no_grad_embedding_renorm_ _none_or_dtype
        _overload _pair _single _sym_int _threshold _triple _unpool_output_size _verify_batch_size
        _verify_spatial_size adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d
        adaptive_max_pool1d adaptive_max_pool1d_with_indices adaptive_max_pool2d
        adaptive_max_pool2d_with_indices adaptive_max_pool3d adaptive_max_pool3d_with_indices
        affine_grid alpha_dropout assert_int_or_pair avg_pool1d avg_pool2d avg_pool3d batch_norm
        bilinear binary_cross_entropy binary_cross_entropy_with_logits boolean_dispatch celu celu_
        channel_shuffle conv1d conv2d conv3d conv_tbc conv_transpose1d conv_transpose2d
        conv_transpose3d cosine_embedding_loss cosine_similarity cross_entropy ctc_loss dataclasses
        dropout dropout1d dropout2d dropout3d elu elu_ embedding embedding_bag
        feature_alpha_dropout fold fractional_max_pool2d fractional_max_pool2d_with_indices
        fractional_max_pool3d fractional_max_pool3d_with_indices gaussian_nll_loss gelu glu grad
        grid_sample group_norm grouped_mm gumbel_softmax handle_torch_function hardshrink
        hardsigmoid hardswish hardtanh hardtanh_ has_torch_function has_torch_function_unary
        has_torch_function_variadic hinge_embedding_loss huber_loss importlib instance_norm
        interpolate kl_div l1_loss layer_norm leaky_relu leaky_relu_ linear linear_cross_entropy
        local_response_norm log_softmax logsigmoid lp_pool1d lp_pool2d lp_pool3d
        margin_ranking_loss math max_pool1d max_pool1d_with_indices max_pool2d
        max_pool2d_with_indices max_pool3d max_pool3d_with_indices max_unpool1d max_unpool2d
        max_unpool3d mish mse_loss multi_head_attention_forward multi_margin_loss
        multilabel_margin_loss multilabel_soft_margin_loss native_channel_shuffle nll_loss
        normalize np one_hot pad pairwise_distance pdist pixel_shuffle pixel_unshuffle
        poisson_nll_loss prelu relu relu6 relu_ reproducibility_notes rms_norm rrelu rrelu_
        scaled_dot_product_attention scaled_grouped_mm scaled_mm selu selu_ sigmoid silu
        smooth_l1_loss soft_margin_loss softmax softmin softplus softshrink softsign
        sparse_support_notes tanh tanhshrink tf32_notes threshold threshold_ torch
        triplet_margin_loss triplet_margin_with_distance_loss unfold upsample upsample_bilinear
        upsample_nearest warnings
    """.split()),
    "torch.nn.init": frozenset("""
        Callable Literal ParamSpec Tensor TypeVar _FanMode _NonlinearityType _P _R __all__
        __builtins__ __cached__ __doc__ __file__ __loader__ __name__ __package__ __spec__
        _calculate_correct_fan _calculate_fan_in_and_fan_out _make_deprecate _no_grad_fill_
        _no_grad_normal_ _no_grad_trunc_normal_ _no_grad_uniform_ _no_grad_zero_ calculate_gain
        constant constant_ dirac dirac_ eye eye_ kaiming_normal kaiming_normal_ kaiming_uniform
        kaiming_uniform_ math normal normal_ ones_ orthogonal orthogonal_ sparse sparse_ torch
        trunc_normal_ uniform uniform_ warnings xavier_normal xavier_normal_ xavier_uniform
        xavier_uniform_ zeros_
    """.split()),
    "torch.nn.utils": frozenset("""
        __all__ __builtins__ __cached__ __doc__ __file__ __loader__ __name__ __package__ __path__
        __spec__ _named_member_accessor clip_grad clip_grad_norm clip_grad_norm_ clip_grad_value_
        clip_grads_with_norm_ convert_conv2d_weight_memory_format
        convert_conv3d_weight_memory_format convert_parameters fuse_conv_bn_eval
        fuse_conv_bn_weights fuse_linear_bn_eval fuse_linear_bn_weights fusion get_total_norm init
        memory_format parameters_to_vector parametrizations parametrize remove_spectral_norm
        remove_weight_norm rnn skip_init spectral_norm stateless vector_to_parameters weight_norm
    """.split()),
    "torch.nn.utils.parametrizations": frozenset("""
        Enum F Module Tensor _OrthMaps _Orthogonal _SpectralNorm _WeightNorm __all__ __builtins__
        __cached__ __doc__ __file__ __loader__ __name__ __package__ __spec__ _is_orthogonal
        _make_orthogonal auto orthogonal parametrize spectral_norm torch weight_norm
    """.split()),
}
